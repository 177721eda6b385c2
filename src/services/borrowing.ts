/**
 * Creating and cancelling borrowing requests: the use cases that the staff API and the NCIP
 * responder (discovery layers, ILS) share, so a request looks the same whoever made it.
 */
import { z } from 'zod';
import { appendEvent } from '../store/events';
import { findLibraryById } from '../store/libraries';
import { getRequest, insertRequest, updateRequest, type RequestRow } from '../store/requests';
import type { ServiceDeps } from './deps';
import { Conflict, NotFound, ValidationFailed } from './errors';

const trimmed = z.string().trim().min(1);
const isoDate = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a date such as 2026-12-31');

const IDENTIFYING_FIELDS = ['title', 'isbn', 'issn', 'oclcNumber', 'doi', 'supplierUniqueRecordId'] as const;

/** Bibliographic data with the identifiers partners search on: a title, an identifier, or both. */
export const bibliographicSchema = z
  .object({
    title: trimmed.max(1000).optional(),
    author: trimmed.max(500).optional(),
    titleOfComponent: trimmed.max(1000).optional(),
    authorOfComponent: trimmed.max(500).optional(),
    edition: trimmed.max(200).optional(),
    volume: trimmed.max(100).optional(),
    issue: trimmed.max(100).optional(),
    pagesRequested: trimmed.max(100).optional(),
    publisher: trimmed.max(500).optional(),
    publicationDate: trimmed.max(50).optional(),
    placeOfPublication: trimmed.max(200).optional(),
    isbn: trimmed.max(20).optional(),
    issn: trimmed.max(20).optional(),
    oclcNumber: trimmed.max(30).optional(),
    doi: trimmed.max(200).optional(),
    /** The record id in the supplier's or union catalogue, when the request came from one. */
    supplierUniqueRecordId: trimmed.max(200).optional(),
  })
  .strict()
  .refine((b) => IDENTIFYING_FIELDS.some((k) => b[k] !== undefined), {
    message: `needs a title or an identifier (${IDENTIFYING_FIELDS.join(', ')})`,
  });

export const patronSchema = z
  .object({
    id: trimmed.max(200),
    name: trimmed.max(300).optional(),
    email: z.email('must be an e-mail address').optional(),
    /** The patron asked not to receive mail. */
    noMail: z.boolean().optional(),
  })
  .strict();

export const candidateSupplierSchema = z
  .object({
    symbol: trimmed.regex(/^[A-Za-z0-9]+:.+$/, 'must be an agency symbol such as ISIL:DK-123'),
    localId: trimmed.max(200).optional(),
    callNumber: trimmed.max(200).optional(),
  })
  .strict();

export const newBorrowingRequestSchema = z
  .object({
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']).default('Loan'),
    bibliographic: bibliographicSchema,
    patron: patronSchema,
    pickupLocation: trimmed.max(200).optional(),
    neededBy: isoDate.optional(),
    note: z.string().trim().max(2000).optional(),
    candidates: z.array(candidateSupplierSchema).max(50).default([]),
  })
  .strict();

export type NewBorrowingRequest = z.input<typeof newBorrowingRequestSchema>;
export type BorrowingRequestData = z.output<typeof newBorrowingRequestSchema> & { source: RequestSource };
export type RequestSource = { readonly channel: 'staff' | 'ncip'; readonly externalId?: string };

/** States in which a borrowing request has not reached any partner yet, so it can simply stop. */
const LOCALLY_CANCELLABLE = new Set(['new']);

export async function createBorrowingRequest(
  deps: ServiceDeps,
  libraryId: string,
  input: unknown,
  actor: string,
  source: RequestSource,
): Promise<RequestRow> {
  const parsed = newBorrowingRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  const library = await findLibraryById(deps.db, libraryId);
  if (!library) throw new NotFound('library', libraryId);
  const at = deps.now();
  const id = deps.newId();
  const data: BorrowingRequestData = { ...parsed.data, source };
  return deps.db.transaction(async (tx) => {
    const request = await insertRequest(
      tx,
      {
        id,
        libraryId: library.id,
        role: 'requester',
        state: 'new',
        serviceType: parsed.data.serviceType,
        requestingAgencyId: library.symbol,
        // Our own id doubles as the ISO 18626 requestingAgencyRequestId: unique, and stable.
        requestingAgencyRequestId: id,
        data,
      },
      at,
    );
    await appendEvent(tx, { requestId: id, event: 'created', fromState: null, toState: 'new', actor, data: { channel: source.channel }, at });
    return request;
  });
}

/**
 * Cancels a borrowing request that has not yet gone to a partner. Once a supplier is involved,
 * cancelling is a conversation with it (ISO 18626 Cancel), which the request lifecycle owns.
 */
export async function cancelBorrowingRequest(deps: ServiceDeps, requestId: string, actor: string, reason?: string): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.role !== 'requester') throw new NotFound('request', requestId);
  if (request.state === 'cancelled') return request;
  if (!LOCALLY_CANCELLABLE.has(request.state)) {
    throw new Conflict(`request ${requestId} is ${request.state}; it can no longer be cancelled here`, { state: request.state, version: request.version });
  }
  const at = deps.now();
  return deps.db.transaction(async (tx) => {
    const updated = await updateRequest(tx, request.id, request.version, { state: 'cancelled' }, at);
    if (!updated) throw new Conflict(`request ${requestId} changed while it was being cancelled`);
    await appendEvent(tx, { requestId, event: 'cancelled', fromState: request.state, toState: 'cancelled', actor, data: reason ? { reason } : {}, at });
    return updated;
  });
}

/** Records that a patron or ILS asked for a renewal; the loan's lifecycle acts on it. */
export async function recordRenewalRequest(deps: ServiceDeps, requestId: string, actor: string, data: Record<string, unknown>): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.role !== 'requester') throw new NotFound('request', requestId);
  await appendEvent(deps.db, { requestId, event: 'renew-asked', fromState: request.state, toState: request.state, actor, data, at: deps.now() });
  return request;
}
