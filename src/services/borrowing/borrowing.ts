/**
 * Creating and cancelling borrowing requests: the use cases that the staff API and the NCIP
 * responder (discovery layers, ILS) share, so a request looks the same whoever made it.
 */
import { z } from 'zod';
import { startRequester, type RequesterEvent } from '../../domain/requester';
import { canonicalSymbol } from '../../domain/symbols';
import { IllegalTransition, type Lifecycle } from '../../domain/types';
import type { RequestData } from '../../store/request-data';
import type { EventEntry, WriteGuard } from '../../store/request-writes';
import { getRequest, type RequestRow } from '../../store/requests';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { changeRequest, commit, DEFAULT_ROUTING, prepareNew, type LifecycleDeps } from '../pipeline/pipeline';
import { ilsStepsOf } from '../ncip/settings';
import { candidateSupplierSchema, routeNewRequest } from './routing';

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

/** ISO 18626 type_costs: a decimal amount and an ISO 4217 currency code. */
export const costsSchema = z
  .object({
    monetaryValue: z.union([z.number().nonnegative().transform(String), z.string().trim().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount such as 25.00')]),
    currencyCode: z.string().trim().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  })
  .strict();

export const newBorrowingRequestSchema = z
  .object({
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']).default('Loan'),
    bibliographic: bibliographicSchema,
    patron: patronSchema,
    pickupLocation: trimmed.max(200).optional(),
    /** The format wanted (open list: Book, Journal, DVD, Microfilm ...); routing skips lenders that refuse it. */
    format: trimmed.max(50).optional(),
    neededBy: isoDate.optional(),
    note: z.string().trim().max(2000).optional(),
    /** The most the library will pay; sent to lenders as billingInfo maximumCosts. */
    maxCost: costsSchema.optional().meta({ description: 'The most the library pays (sent as ISO 18626 billingInfo maximumCosts)' }),
    candidates: z.array(candidateSupplierSchema).max(50).default([]),
  })
  .strict();

export type NewBorrowingRequest = z.input<typeof newBorrowingRequestSchema>;
export type BorrowingRequestInput = z.output<typeof newBorrowingRequestSchema>;
export type RequestSource = { readonly channel: 'staff' | 'ncip' | 'patron'; readonly externalId?: string; readonly referrer?: string };

/**
 * A new request asked for again from an ended one (re-request): the ended one gets `rerequestedAs`
 * and an audit event in the same write, the new one `rerequestOf`; `billing` is what staff set.
 */
export interface Rerequest {
  readonly of: RequestRow;
  readonly billing?: RequestData['billing'];
  /** The audit event of the ended request, naming the new one. */
  readonly remark: (newId: string) => EventEntry;
}

export interface CreateOptions {
  readonly rerequest?: Rerequest;
  /** A condition checked in the write's transaction (the patron's limits): racing submits pass it one at a time. */
  readonly guard?: WriteGuard;
}

/** A borrowing request as a caller sent it, validated once (the staff API's route does this with its own schema). */
export function parseBorrowingRequest(input: unknown): BorrowingRequestInput {
  const parsed = newBorrowingRequestSchema.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return parsed.data;
}

export async function createBorrowingRequest(
  deps: LifecycleDeps,
  libraryId: string,
  input: BorrowingRequestInput,
  actor: string,
  source: RequestSource,
  { rerequest, guard }: CreateOptions = {},
): Promise<RequestRow> {
  const library = await deps.directory.libraryById(libraryId);
  if (!library) throw new NotFound('library', libraryId);
  const at = deps.now();
  const id = deps.newId();
  const { candidates, maxCost, ...rest } = input;
  const { plan, holdings, local } = await routeNewRequest(
    deps.db,
    library,
    {
      serviceType: input.serviceType,
      ...(input.format ? { format: input.format } : {}),
      candidates: candidates.map((c) => ({ ...c, symbol: canonicalSymbol(c.symbol) })),
      item: input.bibliographic,
    },
    deps.routing ?? DEFAULT_ROUTING,
    at,
    deps.directory,
  );
  const lifecycle: Lifecycle = { serviceType: input.serviceType, rota: plan.rota, ...(local?.held ? { heldLocally: true } : {}) };
  const ils = ilsStepsOf(library);
  const start = startRequester(lifecycle, { ils });
  // The rota's explanation stays with the request: staff can see why each supplier was (not) asked.
  const data = {
    ...rest,
    candidates,
    source,
    routing: { strategy: plan.strategy, explanation: [...plan.explanation], at: at.toISOString(), ...(holdings ? { holdings } : {}), ...(local ? { local } : {}) },
    ...(maxCost ? { billing: { maxCost } } : {}),
    ...(rerequest ? { rerequestOf: rerequest.of.id, ...(rerequest.billing ? { billing: rerequest.billing } : {}) } : {}),
  };
  const prepared = prepareNew(
    {
      id,
      libraryId: library.id,
      role: 'requester',
      state: start.state,
      serviceType: input.serviceType,
      requestingAgencyId: library.symbol,
      // Our own id doubles as the ISO 18626 requestingAgencyRequestId: unique, and stable.
      requestingAgencyRequestId: id,
      data: { ...data, lifecycle },
    },
    { event: 'created', actor, decision: rerequest ? { ...start, note: `${start.note ?? 'request created'}: a re-request of ${rerequest.of.id}` } : start },
    // With the library's ILS checking patrons, NCIP LookupUser (an effect of `start`) validates it
    // later; without it the request is valid as entered and goes out at once.
    ils.lookupUser ? [] : [{ event: 'validate', actor: 'system', input: { role: 'requester', event: { type: 'validate' } } }],
    { at, library, supplierTimeoutMs: deps.supplierTimeoutMs },
  );
  // The ended request's timeline and data link to the new one, in the same write.
  const link = rerequest && {
    id: rerequest.of.id,
    data: { rerequestedAs: id },
    events: [rerequest.remark(id)],
    at,
  };
  // A fresh id cannot be taken: a write that does not happen is a fault, not a race.
  const written = await commit(deps, { ...prepared.write, ...(link ? { linked: link } : {}), ...(guard ? { guard } : {}) }, prepared.after);
  if (!written) throw new Error(`borrowing request ${id} could not be saved`);
  // The one part of the stored request the database chose: whoever placed it is told its number.
  return { ...prepared.after, number: written.number };
}

/**
 * Cancels a borrowing request for its patron (NCIP CancelRequestItem, staff). Before a supplier
 * has it, it just ends; while a supplier works on it, the supplier is asked (ISO 18626 Cancel).
 * Returns the request after the decision; Conflict when the state no longer allows it.
 */
export async function cancelBorrowingRequest(deps: LifecycleDeps, requestId: string, actor: string, note?: string): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.role !== 'requester') throw new NotFound('request', requestId);
  if (request.state === 'cancelled' || request.state === 'cancel_pending') return request;
  return staffAction(deps, request, { type: 'staff', action: 'cancel', ...(note ? { note } : {}) }, actor);
}

/** Asks the supplier to renew the loan (ISO 18626 Renew); its answer comes later. */
export async function requestRenewal(deps: LifecycleDeps, requestId: string, actor: string): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.role !== 'requester') throw new NotFound('request', requestId);
  if (request.state === 'renew_pending') return request;
  return staffAction(deps, request, { type: 'staff', action: 'renew' }, actor);
}

async function staffAction(deps: LifecycleDeps, request: RequestRow, event: RequesterEvent, actor: string): Promise<RequestRow> {
  try {
    return (await changeRequest(deps, request.id, { input: { role: 'requester', event }, actor, staff: true })).request;
  } catch (err) {
    if (err instanceof IllegalTransition) throw new Conflict(`request ${request.id} is ${request.state}: ${err.reason}`, { state: request.state, version: request.version });
    throw err;
  }
}
