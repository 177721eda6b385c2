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
import { fieldProblems } from '../validation';
import { librarySymbols, requestView, timelineEventEntry, visibleRequest, type RequestView, type TimelineEntry } from './requests-query';

/** The borrowing request as NCIP RequestItem makes it, plus which member library borrows. */
export const staffBorrowingRequestSchema = newBorrowingRequestSchema.extend({
  library: agencySymbolSchema.optional().meta({ description: 'The borrowing member library; defaults to the key’s library, or to the only library served here' }),
});

export const staffActionSchema = z
  .object({
    action: z.string().trim().min(1).meta({ description: 'One of the request’s `actions`', example: 'mark_received' }),
    params: z.record(z.string(), z.unknown()).optional().meta({ description: 'Action parameters: `note` for any action; `dueDate` for ship and approve_renewal; `conditions` for add_conditions; `reason` for cannot_supply; `rota` for send' }),
    version: z.number().int().positive().meta({ description: 'The request version the action is based on (optimistic lock)' }),
  })
  .strict();

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

export async function createRequestAsStaff(deps: LifecycleDeps, input: unknown, principal: Principal): Promise<RequestView> {
  const parsed = staffBorrowingRequestSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const { library: _symbol, ...request } = (input ?? {}) as Record<string, unknown>;
  const libraryId = (await borrowingLibraryFor(deps, principal, parsed.data.library)).id;
  const created = await createBorrowingRequest(deps, libraryId, request, actorOf(principal), { channel: 'staff' });
  return requestView(created, await librarySymbols(deps));
}

/**
 * Takes a staff action on the version the caller saw. Whoever comes second (a stale version,
 * or losing the race to commit) gets a Conflict carrying the request's state, version and
 * actions as they are now, so a client can redraw without another call.
 */
export async function actOnRequest(deps: LifecycleDeps, id: string, input: unknown, principal: Principal): Promise<RequestView> {
  const parsed = staffActionSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const row = await visibleRequest(deps, id, principal);
  const { action, params, version } = parsed.data;
  try {
    if (row.version !== version) throw new Conflict(`request ${id} is at version ${row.version}, not ${version}: someone acted on it first`);
    const updated = await performStaffAction(deps, id, { action, ...(params ? { params } : {}), expectedVersion: version }, actorOf(principal));
    return requestView(updated, await librarySymbols(deps));
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    const now = (await getRequest(deps.db, id)) ?? row;
    throw new Conflict(err.message, { state: now.state, version: now.version, actions: availableActions(now) });
  }
}

/** A note is an audit event of its own: it changes neither state nor version. */
export async function addNote(deps: LifecycleDeps, id: string, input: unknown, principal: Principal): Promise<TimelineEntry> {
  const parsed = noteSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const row = await visibleRequest(deps, id, principal);
  const event = await appendRemark(deps.db, row, { event: 'note', actor: actorOf(principal), data: { note: parsed.data.note }, at: deps.now() });
  return timelineEventEntry(event);
}

export async function listNotes(deps: LifecycleDeps, id: string, principal: Principal): Promise<TimelineEntry[]> {
  const row = await visibleRequest(deps, id, principal);
  return (await listEvents(deps.db, row.id)).filter((e) => e.event === 'note').map(timelineEventEntry);
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

export async function skipEffect(deps: LifecycleDeps, id: string, outboxId: string, input: unknown, principal: Principal): Promise<EffectOutcome> {
  const parsed = skipEffectSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const row = await visibleRequest(deps, id, principal);
  if (!z.uuid().safeParse(outboxId).success) throw new NotFound('outbox row', outboxId);
  return outcome(await skipDeadEffect(deps, row.id, outboxId, parsed.data.note, actorOf(principal)));
}
