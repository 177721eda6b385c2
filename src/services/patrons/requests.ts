/**
 * A signed-in patron's requests: placing one (through the same use case as staff and NCIP, so
 * it is routed, checked and mailed the same way), listing and reading their own, cancelling one
 * before anything is shipped and asking for a renewal while on loan. A patron reaches only the
 * requests of their library that carry their patron id; any other reads as not found.
 *
 * The library's limits (settings.patrons): so many open requests at once, so many placed in 24
 * hours. Two requests submitted at the same instant may both pass a limit that has room for one;
 * the limits are there against runaway use, not as accounting.
 */
import { z } from 'zod';
import { getRequest, type RequestRow } from '../../store/requests';
import type { Db } from '../../store/db';
import type { LibraryRow } from '../../store/libraries';
import { countOpenRequestsOfPatron, listRequestsOfPatron, requestTimesOfPatron, shippedTimes } from '../../store/patron-requests';
import { cancelBorrowingRequest, createBorrowingRequest, requestRenewal, type BorrowingRequestInput } from '../borrowing/borrowing';
import { Conflict, Forbidden, NotFound, TooManyAttempts, ValidationFailed } from '../errors';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { patronStatus } from '../../domain/patron-status';
import { defined } from '../../domain/retry';
import { PATRON_ACTOR, type PatronPrincipal } from './sessions';
import { patronSettingsOf } from './settings';
import { patronRequestView, type PatronRequestView } from './request-view';
import { pickupPlaceByCode, pickupPlacesOf } from '../directory/pickup-locations';

const DAY_MS = 24 * 3600 * 1000;
/** Ended requests stay on the patron's page this long. */
const ENDED_SHOWN_MS = 365 * DAY_MS;
/** More than anyone's page shows: the open limit is at most 1000. */
const LIST_LIMIT = 1000;

/** A form field: blank is the same as left out. */
const field = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** The longest value each field takes (the citation form clips to them). */
export const PATRON_FIELD_LIMITS = {
  title: 1000,
  author: 500,
  isbn: 20,
  issn: 20,
  oclcNumber: 30,
  doi: 200,
  pmid: 20,
  publisher: 500,
  placeOfPublication: 200,
  publicationDate: 50,
  edition: 200,
  articleTitle: 1000,
  articleAuthor: 500,
  volume: 100,
  issue: 100,
  pages: 100,
  referrer: 200,
} as const;

const L = PATRON_FIELD_LIMITS;

export const patronRequestInputSchema = z
  .object({
    kind: z.enum(['loan', 'copy']).meta({ description: 'loan: the item itself; copy: a copy of a part (an article, a chapter)' }),
    title: z.string().trim().min(1, 'is required').max(L.title).meta({ description: 'The book’s or the journal’s title' }),
    author: field(L.author),
    isbn: field(L.isbn),
    issn: field(L.issn),
    oclcNumber: field(L.oclcNumber),
    doi: field(L.doi),
    pmid: field(L.pmid).refine((v) => v === undefined || /^\d+$/.test(v), 'must be a PubMed id (digits)'),
    publisher: field(L.publisher),
    placeOfPublication: field(L.placeOfPublication),
    publicationDate: field(L.publicationDate),
    edition: field(L.edition),
    articleTitle: field(L.articleTitle).meta({ description: 'Copies: the article’s or chapter’s title' }),
    articleAuthor: field(L.articleAuthor),
    volume: field(L.volume),
    issue: field(L.issue),
    pages: field(L.pages),
    pickupLocation: field(200).meta({ description: 'The code of one of the library’s pickup locations' }),
    neededBy: field(10).refine((v) => v === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(new Date(v).getTime())), 'must be a date such as 2026-12-31').meta({ description: 'The last day the patron still wants it (YYYY-MM-DD)' }),
    note: field(500).meta({ description: 'A note to the library’s staff' }),
    referrer: field(L.referrer).meta({ description: 'Where the citation came from (the OpenURL’s rfr_id or sid)' }),
  })
  .strict()
  .meta({ id: 'PatronRequestInput' });

export type PatronRequestInput = z.output<typeof patronRequestInputSchema>;

async function libraryOf(deps: LifecycleDeps, patron: PatronPrincipal): Promise<LibraryRow> {
  const library = await deps.directory.libraryById(patron.libraryId);
  if (!library) throw new NotFound('library', patron.libraryId);
  return library;
}

/** The patron's view of each request (when shipped comes from its audit trail). */
export async function patronRequestViews(deps: LifecycleDeps, library: LibraryRow, rows: readonly RequestRow[], withActions = true): Promise<PatronRequestView[]> {
  const shipped = await shippedTimes(deps.db, rows.map((r) => r.id));
  const at = deps.now();
  const places = pickupPlacesOf(library.settings);
  return rows.map((r) => patronRequestView(r, places, at, { ...(shipped.has(r.id) ? { shippedAt: shipped.get(r.id)! } : {}), withActions }));
}

export async function listPatronRequests(deps: LifecycleDeps, patron: PatronPrincipal): Promise<{ items: PatronRequestView[] }> {
  const library = await libraryOf(deps, patron);
  const rows = await listRequestsOfPatron(deps.db, library.id, patron.patronId, new Date(deps.now().getTime() - ENDED_SHOWN_MS), LIST_LIMIT);
  return { items: await patronRequestViews(deps, library, rows) };
}

/** The patron's own request; another patron's, another library's or a lending request is not found. */
async function ownRequest(deps: LifecycleDeps, patron: PatronPrincipal, id: string): Promise<RequestRow> {
  const request = z.uuid().safeParse(id).success ? await getRequest(deps.db, id) : undefined;
  if (!request || request.role !== 'requester' || request.libraryId !== patron.libraryId || request.data.patron?.id !== patron.patronId) throw new NotFound('request', id);
  return request;
}

export async function getPatronRequest(deps: LifecycleDeps, patron: PatronPrincipal, id: string): Promise<PatronRequestView> {
  const request = await ownRequest(deps, patron, id);
  return (await patronRequestViews(deps, await libraryOf(deps, patron), [request]))[0]!;
}

/**
 * The library's limits on what the patron has placed, read through `db`: checked before the
 * request is routed (a patron at the limit is told at once), and again in the write's transaction,
 * where two submits at once are checked one after the other.
 */
async function checkLimits(deps: LifecycleDeps, db: Db, library: LibraryRow, patron: PatronPrincipal): Promise<void> {
  const settings = patronSettingsOf(library);
  if (!settings.enabled) throw new Forbidden(`${library.name} does not take requests online`);
  const reasons = patron.details.blockReasons ?? [];
  if (reasons.length > 0) throw new Forbidden(`your library account is blocked: ${reasons.join('; ')}`, 'blocked');
  const open = await countOpenRequestsOfPatron(db, library.id, patron.patronId);
  if (open >= settings.maxOpenRequests) {
    throw new Conflict(`you have ${open} open requests, the most ${library.name} allows at once (${settings.maxOpenRequests}); one must end before you place another`, undefined, 'limit_open');
  }
  const now = deps.now().getTime();
  const lately = await requestTimesOfPatron(db, library.id, patron.patronId, new Date(now - DAY_MS));
  if (lately.length >= settings.requestsPerDay) {
    // The earliest of the window has to leave it for there to be room again.
    const seconds = Math.max(1, Math.ceil((lately[lately.length - settings.requestsPerDay]!.getTime() + DAY_MS - now) / 1000));
    throw new TooManyAttempts(`you placed ${lately.length} requests in the last 24 hours, the most ${library.name} allows (${settings.requestsPerDay}); try again in ${Math.ceil(seconds / 3600)} h`, seconds, 'limit_rate');
  }
}

const EMAIL = z.email();

/** The form in the borrowing request's terms; the patron is who signed in, never what the form says. */
function borrowingInput(input: PatronRequestInput, patron: PatronPrincipal, pickupCode: string | undefined): BorrowingRequestInput {
  const { name, email } = patron.details;
  const copy = input.kind === 'copy';
  const bibliographic = defined({
    title: input.title,
    author: input.author,
    titleOfComponent: input.articleTitle,
    authorOfComponent: input.articleAuthor,
    edition: input.edition,
    volume: input.volume,
    issue: input.issue,
    pagesRequested: input.pages,
    publisher: input.publisher,
    publicationDate: input.publicationDate,
    placeOfPublication: input.placeOfPublication,
    isbn: input.isbn,
    issn: input.issn,
    oclcNumber: input.oclcNumber,
    doi: input.doi,
  });
  // Requests keep no PubMed id of their own (ISO 18626 has no code for it): staff read it in the note.
  const note = [input.pmid ? `PMID ${input.pmid}` : undefined, input.note].filter((n) => n !== undefined).join('\n');
  return {
    serviceType: copy ? 'Copy' : 'Loan',
    bibliographic,
    patron: { id: patron.patronId, ...(name?.trim() ? { name: name.trim() } : {}), ...(email && EMAIL.safeParse(email).success ? { email } : {}) },
    ...(pickupCode ? { pickupLocation: pickupCode } : {}),
    ...(input.neededBy ? { neededBy: input.neededBy } : {}),
    ...(note ? { note } : {}),
    candidates: [],
  };
}

export async function createPatronRequest(deps: LifecycleDeps, patron: PatronPrincipal, input: PatronRequestInput): Promise<PatronRequestView> {
  const library = await libraryOf(deps, patron);
  let pickupCode: string | undefined;
  if (input.pickupLocation) {
    const place = pickupPlaceByCode(pickupPlacesOf(library.settings), input.pickupLocation);
    if (!place) throw new ValidationFailed([{ path: 'pickupLocation', message: `${library.name} has no pickup location ${input.pickupLocation}` }], 'The pickup location is not one of the library’s');
    pickupCode = place.code;
  }
  await checkLimits(deps, deps.db, library, patron);
  const created = await createBorrowingRequest(
    deps,
    library.id,
    borrowingInput(input, patron, pickupCode),
    PATRON_ACTOR,
    { channel: 'patron', ...(input.referrer ? { referrer: input.referrer } : {}) },
    { guard: { key: `patron-limits:${library.id}:${patron.patronId}`, check: (tx) => checkLimits(deps, tx, library, patron) } },
  );
  return (await patronRequestViews(deps, library, [created]))[0]!;
}

/** Cancels the patron's request while nothing is on its way (the lender, if it has it, is asked). */
export async function cancelPatronRequest(deps: LifecycleDeps, patron: PatronPrincipal, id: string): Promise<PatronRequestView> {
  return patronAction(deps, patron, id, 'cancel', (request) => cancelBorrowingRequest(deps, request.id, PATRON_ACTOR, 'cancelled by the patron'));
}

/** Asks the lender to renew the loan; the answer comes later (renewalPending until then). */
export async function renewPatronRequest(deps: LifecycleDeps, patron: PatronPrincipal, id: string): Promise<PatronRequestView> {
  return patronAction(deps, patron, id, 'renew', (request) => requestRenewal(deps, request.id, PATRON_ACTOR));
}

async function patronAction(deps: LifecycleDeps, patron: PatronPrincipal, id: string, action: 'cancel' | 'renew', run: (request: RequestRow) => Promise<RequestRow>): Promise<PatronRequestView> {
  const request = await ownRequest(deps, patron, id);
  const code = action === 'cancel' ? 'not_cancellable' : 'not_renewable';
  const refused = () =>
    new Conflict(action === 'cancel' ? 'this request can no longer be cancelled: the item is on its way, or the request has ended' : 'this loan cannot be renewed now', undefined, code);
  if (!patronStatus({ state: request.state, lifecycle: request.data.lifecycle }, deps.now()).actions.includes(action)) throw refused();
  let after: RequestRow;
  try {
    after = await run(request);
  } catch (err) {
    // Someone (staff, the lender) changed it in between.
    if (err instanceof Conflict) throw refused();
    throw err;
  }
  return (await patronRequestViews(deps, await libraryOf(deps, patron), [after]))[0]!;
}

