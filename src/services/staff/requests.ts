/**
 * Staff working on requests through the API: create a borrowing request for a library, take an
 * action under the optimistic lock, write notes. Scope rules as in staff/requests-query.ts.
 */
import { z } from 'zod';
import { canonicalSymbol } from '../../domain/symbols';
import { appendRemark, listEvents } from '../../store/events';
import type { LibraryRow } from '../../store/libraries';
import { getRequest } from '../../store/requests';
import { availableActions, performStaffAction } from './actions';
import { actorOf, agencySymbolSchema, type Principal } from '../access/api-keys';
import { createBorrowingRequest, newBorrowingRequestSchema } from '../borrowing/borrowing';
import type { OutboxRow } from '../../store/outbox';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../errors';
import { retryDeadEffect, skipDeadEffect, type EffectActionResult } from './dead-work';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { librarySymbols, requestView, timelineEvents, visibleRequest, type RequestView, type TimelineEntry } from './requests-query';

/** The borrowing request as NCIP RequestItem makes it, plus which member library borrows. */
export const staffBorrowingRequestSchema = newBorrowingRequestSchema.extend({
  library: agencySymbolSchema.optional().meta({ description: 'The borrowing member library; defaults to the key’s library, or to the only library served here' }),
});

export const staffActionSchema = z
  .object({
    action: z.string().trim().min(1).meta({ description: 'One of the request’s `actions`', example: 'mark_received' }),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({
        description:
          'Action parameters: `note` for any action; `dueDate` for ship and approve_renewal (a date-time, or a date: the end of that day in the library’s time zone; ship without one: the library’s loan period, settings.lending), `itemId` for ship; `conditions` for add_conditions; `reason` for cannot_supply; `rota` for send; ' +
          'for offer_retry `reason` (reasonRetry: CostExceedsMaxCost, OnLoan, LoanCondition, NotFoundAsCited, or an open value), `retryAfter`, `retryBefore` (dates or date-times, before after after, not past), `offeredCosts` {monetaryValue, currencyCode}, `loanConditions`; ' +
          'for accept_retry `maxCost` {monetaryValue, currencyCode}, `edition`, `serviceType`, `needBeforeDate` (kept in the request and sent in the Retry); decline_retry takes a note; ' +
          'for edit_patron (new, validated, error) `patronId`, `email` (null removes it), `pickupLocation`: then `retry` from error checks the corrected patron in the ILS; ' +
          'skip_supplier (the current lender is sent a Cancel, the next one asked or the request ends unfilled) and reroute (routing runs again on today’s directory; lenders asked before are not asked again) take a note; ' +
          'rerequest (unfilled or cancelled: a new request, answered instead of this one) takes `edition`, `serviceType`, `maxCost`, `needBeforeDate`, `candidates` (absent: the directory), `note`; ' +
          'on a brokered transaction (hub staff) skip_supplier, reroute, cancel and close_manually (any state not ended; the supplier is left to staff) take a required `reason`, which the requester reads in the note of the message the hub sends',
        example: { reason: 'OnLoan', retryAfter: '2027-01-10', retryBefore: '2027-02-01' },
      }),
    version: z.number().int().positive().meta({ description: 'The request version the action is based on (optimistic lock)' }),
  })
  .strict();

export type StaffAction = z.output<typeof staffActionSchema>;

export const noteSchema = z.object({ note: z.string().trim().min(1).max(2000) }).strict();

/**
 * The member library a staff member borrows for: the one named (if the key may act for it), the
 * key's own library, or the only library served here.
 */
export async function borrowingLibraryFor(deps: LifecycleDeps, principal: Principal, symbol: string | undefined): Promise<LibraryRow> {
  if (symbol !== undefined) {
    const library = await deps.directory.library(canonicalSymbol(symbol));
    if (!library) throw new ValidationFailed([{ path: 'library', message: `no member library ${canonicalSymbol(symbol)} is served here` }]);
    if (principal.libraryId !== null && library.id !== principal.libraryId) throw new Forbidden(`this key acts for another library and cannot borrow for ${library.symbol}`);
    return library;
  }
  const all = await deps.directory.libraries();
  if (principal.libraryId !== null) {
    const own = all.find((l) => l.id === principal.libraryId);
    if (own) return own;
  }
  if (all.length !== 1) throw new ValidationFailed([{ path: 'library', message: `is required: this key acts for all ${all.length} libraries served here` }]);
  return all[0]!;
}

export type StaffBorrowingRequest = z.output<typeof staffBorrowingRequestSchema>;

export async function createRequestAsStaff(deps: LifecycleDeps, input: StaffBorrowingRequest, principal: Principal): Promise<RequestView> {
  const { library: symbol, ...request } = input;
  const libraryId = (await borrowingLibraryFor(deps, principal, symbol)).id;
  const created = await createBorrowingRequest(deps, libraryId, request, actorOf(principal), { channel: 'staff' });
  return requestView(created, await librarySymbols(deps));
}

/**
 * Takes a staff action on the version the caller saw. Whoever comes second (a stale version,
 * or losing the race to commit) gets a Conflict carrying the request's state, version and
 * actions as they are now, so a client can redraw without another call.
 */
export async function actOnRequest(deps: LifecycleDeps, id: string, input: StaffAction, principal: Principal): Promise<RequestView> {
  await visibleRequest(deps, id, principal);
  const { action, params, version } = input;
  try {
    const updated = await performStaffAction(deps, id, { action, ...(params ? { params } : {}), expectedVersion: version }, actorOf(principal));
    return requestView(updated, await librarySymbols(deps));
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    // Whoever comes second sees the request as it is now, so a client can redraw without another call.
    const now = await getRequest(deps.db, id);
    throw now ? new Conflict(err.message, { state: now.state, version: now.version, actions: availableActions(now) }) : err;
  }
}

/** A note is an audit event of its own: it changes neither state nor version. */
export async function addNote(deps: LifecycleDeps, id: string, input: z.output<typeof noteSchema>, principal: Principal): Promise<TimelineEntry> {
  const row = await visibleRequest(deps, id, principal);
  const event = await appendRemark(deps.db, row, { event: 'note', actor: actorOf(principal), data: { note: input.note }, at: deps.now() });
  deps.changes?.changed([row.id]);
  return (await timelineEvents(deps.db, [event]))[0]!;
}

export async function listNotes(deps: LifecycleDeps, id: string, principal: Principal): Promise<TimelineEntry[]> {
  const row = await visibleRequest(deps, id, principal);
  return timelineEvents(deps.db, (await listEvents(deps.db, row.id)).filter((e) => e.event === 'note'));
}

export const skipEffectSchema = z.object({ note: z.string().trim().min(1).max(2000).meta({ description: 'Why the work is skipped (goes into the audit trail)' }) }).strict();

export interface EffectView {
  readonly id: string;
  readonly queue: string;
  readonly job: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
}

const effectView = (row: OutboxRow): EffectView => ({ id: row.id, queue: row.queue, job: row.jobName, status: row.status, attempts: row.attempts, lastError: row.lastError });

export interface EffectOutcome {
  readonly settled: EffectView;
  readonly replacement: EffectView | null;
  readonly needsAttention: boolean;
}

const outcome = (result: EffectActionResult): EffectOutcome => ({
  settled: effectView(result.settled),
  replacement: result.replacement ? effectView(result.replacement) : null,
  needsAttention: result.needsAttention,
});

/** Work of the request that gave up (its outbox id is in the request's `needs_attention` event), run again. */
export async function retryEffect(deps: LifecycleDeps, id: string, outboxId: string, principal: Principal): Promise<EffectOutcome> {
  const row = await visibleRequest(deps, id, principal);
  if (!z.uuid().safeParse(outboxId).success) throw new NotFound('outbox row', outboxId);
  return outcome(await retryDeadEffect(deps, row.id, outboxId, actorOf(principal)));
}

export async function skipEffect(deps: LifecycleDeps, id: string, outboxId: string, input: z.output<typeof skipEffectSchema>, principal: Principal): Promise<EffectOutcome> {
  const row = await visibleRequest(deps, id, principal);
  if (!z.uuid().safeParse(outboxId).success) throw new NotFound('outbox row', outboxId);
  return outcome(await skipDeadEffect(deps, row.id, outboxId, input.note, actorOf(principal)));
}
