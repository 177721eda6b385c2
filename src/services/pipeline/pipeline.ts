/**
 * The one path of every state change: load -> context -> decide -> save -> wake.
 *
 * - **load**: the request, decoded (store/requests.ts); inbound messages find theirs by
 *   correlation (correlate.ts) and call the stages below themselves, inside their own answer.
 * - **context**: what the machine needs besides the request: the library (its ILS steps) from
 *   the directory cache, the clock, the supplier answer timeout.
 * - **decide**: the machine of the request's role (src/domain); refusals throw IllegalTransition.
 * - **save**: one write (store/request-writes.ts) of the request row under its optimistic lock,
 *   its audit event and its outbox rows, with whatever the event taught us about the request
 *   (the supplier's request id, what the ILS answered) and, for a partner's message, the message.
 * - **wake**: after the commit, the relay is told there is work.
 *
 * Inbound ISO 18626 messages, staff actions, timers, delivery refusals, NCIP results and the
 * broker hub all change requests through here, so a change is audited, ordered and sent the
 * same way whoever caused it.
 */
import { brokerEventLabel, decideBroker, type BrokerEvent, type BrokerState } from '../../domain/broker';
import { isNoChange } from '../../domain/decision';
import { decideRequester, requesterEventLabel, type RequesterEvent, type RequesterState } from '../../domain/requester';
import { decideSupplier, supplierEventLabel, type SupplierEvent, type SupplierState } from '../../domain/supplier';
import type { Decision, Lifecycle } from '../../domain/types';
import type { LibraryRow } from '../../store/libraries';
import type { RequestData } from '../../store/request-data';
import { writeState, type EventEntry, type StateWrite, type Written } from '../../store/request-writes';
import { getRequest, type NewRequestRow, type RequestRow } from '../../store/requests';
import type { ServiceDeps } from '../deps';
import { Conflict, NotFound } from '../errors';
import { ilsStepsOf } from '../ncip/settings';
import { partnerLabel } from '../../metrics/labels';
import type { Metrics, TurnaroundInterval } from '../../metrics/metrics';
import type { RoutingSettings } from '../borrowing/routing';
import { outboxRowsFor, type SkippedEffect } from './effects';

export interface LifecycleDeps extends ServiceDeps {
  readonly supplierTimeoutMs: number;
  /** Rota strategy and load window for new borrowing requests (defaults: as given, 30 days). */
  readonly routing?: RoutingSettings;
  /** Called after a commit that wrote outbox rows, so the relay picks them up at once. */
  readonly wake?: () => void;
}

export const DEFAULT_ROUTING: RoutingSettings = { strategy: 'as_given', loadWindowDays: 30 };

export type AnyEvent =
  | { readonly role: 'requester'; readonly event: RequesterEvent }
  | { readonly role: 'supplier'; readonly event: SupplierEvent }
  | { readonly role: 'broker'; readonly event: BrokerEvent };

/** What an event teaches us about the request besides what the machine decides. */
export interface Learned {
  /** The supplier that answered and its id for the request (requester and broker rows). */
  readonly supplier?: { readonly symbol: string; readonly requestId: string };
  /** Data from outside (the ILS's item and hold ids, the patron's e-mail from the ILS). */
  readonly data?: (data: RequestData) => RequestData;
  /** Put before the machine's note in the audit trail. */
  readonly note?: string;
}

export interface Change {
  /** The event, or how to make it from the request (a timer's event depends on the row's role). */
  readonly input: AnyEvent | ((request: RequestRow) => AnyEvent);
  readonly actor: string;
  /** A person acted: the request counts as seen (needs attention only in `error`). */
  readonly staff?: boolean;
  readonly learned?: Learned;
}

export interface Context {
  readonly at: Date;
  /** The request's library, if it has one (its ILS steps hold some changes back). */
  readonly library: LibraryRow | undefined;
  readonly supplierTimeoutMs: number;
}

export interface Prepared {
  readonly decision: Decision<string>;
  /** The request as it is once the write commits. */
  readonly after: RequestRow;
  readonly write: StateWrite;
}

export interface Applied {
  readonly request: RequestRow;
  readonly decision: Decision<string>;
}

// ---------------------------------------------------------------------------------------------
// context

export async function contextFor(deps: LifecycleDeps, request: Pick<RequestRow, 'libraryId'>): Promise<Context> {
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  return { at: deps.now(), library, supplierTimeoutMs: deps.supplierTimeoutMs };
}

// ---------------------------------------------------------------------------------------------
// decide

/** Runs the machine of the request's role; throws IllegalTransition when the state does not accept the event. */
export function decide(request: Pick<RequestRow, 'role' | 'state' | 'data' | 'requestingAgencyRequestId'>, input: AnyEvent, ctx: Context): Decision<string> {
  if (input.role !== request.role) throw new Error(`a ${input.role} event cannot be applied to a ${request.role} request`);
  const lifecycle = request.data.lifecycle;
  const { requestingAgencyRequestId } = request;
  if (input.role === 'broker') return decideBroker({ lifecycle, state: request.state as BrokerState, requestingAgencyRequestId }, input.event, { at: ctx.at, supplierTimeoutMs: ctx.supplierTimeoutMs });
  const ils = ilsStepsOf(ctx.library);
  if (input.role === 'requester') return decideRequester({ lifecycle, state: request.state as RequesterState, requestingAgencyRequestId }, input.event, { at: ctx.at, supplierTimeoutMs: ctx.supplierTimeoutMs, ils });
  return decideSupplier({ lifecycle, state: request.state as SupplierState }, input.event, { at: ctx.at, ils });
}

export function eventLabel(input: AnyEvent): string {
  if (input.role === 'broker') return brokerEventLabel(input.event);
  return input.role === 'requester' ? requesterEventLabel(input.event) : supplierEventLabel(input.event);
}

/** Lifecycle after `changes`: keys present with `undefined` clear the field. */
export function applyChanges(lifecycle: Lifecycle, changes: Partial<Lifecycle>): Lifecycle {
  const next: Record<string, unknown> = { ...lifecycle };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as Lifecycle;
}

// ---------------------------------------------------------------------------------------------
// save (planned as data, written in one statement)

/** Decides the event and plans its write; pure apart from the machine's refusal. */
export function prepare(request: RequestRow, change: Change, ctx: Context): Prepared {
  const input = typeof change.input === 'function' ? change.input(request) : change.input;
  const decided = decide(request, input, ctx);
  const note = change.learned?.note;
  const decision = note === undefined ? decided : { ...decided, note: decided.note ? `${note}; ${decided.note}` : note };
  return { decision, ...planWrite(request, decision, { event: eventLabel(input), actor: change.actor, staff: change.staff ?? false, learned: change.learned }, ctx) };
}

interface WriteMeta {
  readonly event: string;
  readonly actor: string;
  readonly staff: boolean;
  readonly learned: Learned | undefined;
}

function planWrite(request: RequestRow, decision: Decision<string>, meta: WriteMeta, ctx: Context): { after: RequestRow; write: StateWrite } {
  const learned = meta.learned;
  const supplierChanged = learned?.supplier !== undefined && (request.supplyingAgencyId !== learned.supplier.symbol || request.supplyingAgencyRequestId !== learned.supplier.requestId);
  if (isNoChange(request, decision) && !supplierChanged && learned?.data === undefined) {
    // A repeated status, a stale timer, a plain note: audit only, same version.
    const remark = remarkOn(request, meta, decision.note ? { note: decision.note } : {}, ctx.at);
    return { after: request, write: { request: { kind: 'remark', id: request.id }, events: [remark] } };
  }
  const lifecycle = applyChanges(request.data.lifecycle, decision.changes);
  const base = learned?.data ? learned.data(request.data) : request.data;
  const data: RequestData = { ...base, lifecycle };
  // A retry renames the transaction (and may ask for another service type): the row's columns follow.
  const renamed = decision.requestingAgencyRequestId ?? request.requestingAgencyRequestId;
  const { rows, skipped } = outboxRowsFor(request, lifecycle, decision.effects, { at: ctx.at, library: ctx.library, requestingAgencyRequestId: renamed });
  // Staff acting on a request is staff having looked at it; an error state always needs them.
  const needsAttention = decision.state === 'error' || (meta.staff ? false : request.needsAttention);
  const columns = {
    state: decision.state,
    data,
    needsAttention,
    ...(supplierChanged ? { supplyingAgencyId: learned!.supplier!.symbol, supplyingAgencyRequestId: learned!.supplier!.requestId } : {}),
    ...(renamed !== request.requestingAgencyRequestId ? { requestingAgencyRequestId: renamed } : {}),
    ...(lifecycle.serviceType !== request.serviceType ? { serviceType: lifecycle.serviceType } : {}),
  };
  return {
    after: { ...request, ...columns, version: request.version + 1, updatedAt: ctx.at },
    write: {
      request: { kind: 'update', id: request.id, expectedVersion: request.version, changes: columns, at: ctx.at },
      events: [auditEvent(request.state, decision, meta, ctx.at, skipped)],
      outbox: rows,
    },
  };
}

/** The audit event of a decision: its note, its effects, and the effects not carried out. */
export function auditEvent(fromState: string | null, decision: Decision<string>, meta: Pick<WriteMeta, 'event' | 'actor'>, at: Date, skipped: readonly SkippedEffect[]): EventEntry {
  return {
    event: meta.event,
    fromState,
    toState: decision.state,
    actor: meta.actor,
    data: {
      ...(decision.note ? { note: decision.note } : {}),
      ...(decision.effects.length > 0 ? { effects: decision.effects } : {}),
      ...(skipped.length > 0 ? { notCarriedOut: skipped } : {}),
    },
    at,
  };
}

/** An audit event that changes nothing: the request stays in its state. */
function remarkOn(request: Pick<RequestRow, 'state'>, step: Step, data: Record<string, unknown>, at: Date): EventEntry {
  return { event: step.event, fromState: request.state, toState: request.state, actor: step.actor, data, at };
}

export interface Step {
  readonly event: string;
  readonly actor: string;
}

/**
 * A new request, written once in the state its first decisions lead to: `start` (the machine's
 * start, from no state), then each of `then` decided in turn (a supplier validating a request it
 * received). Every step has its audit event and its effects.
 */
export function prepareNew(row: NewRequestRow & { readonly data: RequestData }, start: Step & { readonly decision: Decision<string> }, then: readonly (Step & { readonly input: AnyEvent })[], ctx: Context): Prepared {
  let current: RequestRow = { libraryId: null, number: null, supplyingAgencyId: null, supplyingAgencyRequestId: null, needsAttention: false, ...row, state: start.decision.state, version: 1, createdAt: ctx.at, updatedAt: ctx.at };
  const events: EventEntry[] = [];
  const outbox: NonNullable<StateWrite['outbox']>[number][] = [];
  let decision = start.decision;
  let fromState: string | null = null;
  for (let step = 0; step <= then.length; step++) {
    if (step > 0) decision = decide(current, then[step - 1]!.input, ctx);
    const meta = step === 0 ? start : then[step - 1]!;
    const lifecycle = applyChanges(current.data.lifecycle, decision.changes);
    const { rows, skipped } = outboxRowsFor(current, lifecycle, decision.effects, { at: ctx.at, library: ctx.library, requestingAgencyRequestId: current.requestingAgencyRequestId });
    events.push(auditEvent(fromState, decision, meta, ctx.at, skipped));
    outbox.push(...rows);
    current = { ...current, state: decision.state, data: { ...current.data, lifecycle }, needsAttention: decision.state === 'error' };
    fromState = decision.state;
  }
  const { version: _v, createdAt: _c, updatedAt: _u, number: _n, ...inserted } = current;
  return { decision, after: current, write: { request: { kind: 'insert', row: inserted, at: ctx.at }, events, outbox } };
}

/**
 * Writes a prepared change; false when the request moved on since it was read (or the message was seen).
 * `request`: the request as the write leaves it (Prepared.after), whose role and age its state changes are counted by
 * (undefined: the write changes no request, a refused message recorded alone).
 */
export async function commit(deps: LifecycleDeps, write: StateWrite, request: Pick<RequestRow, 'role' | 'createdAt' | 'supplyingAgencyId'> | undefined): Promise<Written> {
  const written = await writeState(deps.db, write, deps.newId);
  // wake: after the commit, since the relay only sees committed outbox rows.
  if (written && (write.outbox?.length ?? 0) > 0) deps.wake?.();
  if (written) deps.changes?.changed(changedBy(write));
  if (written && request && deps.metrics) await countTransitions(deps, deps.metrics, request, write.events ?? []);
  return written;
}

/** Borrowing milestones, timed from the request's creation (ill_borrowing_turnaround_seconds). */
const MILESTONES: ReadonlyMap<string, TurnaroundInterval> = new Map([
  ['shipped', 'request_to_shipped'],
  ['received', 'request_to_received'],
]);
/** States a loan comes back from to where the item is (resumeState): not a milestone reached again. */
const RESUMED_FROM: ReadonlySet<string | null> = new Set(['overdue', 'recalled', 'renew_pending']);

async function countTransitions(deps: LifecycleDeps, metrics: Metrics, request: Pick<RequestRow, 'role' | 'createdAt' | 'supplyingAgencyId'>, events: readonly EventEntry[]): Promise<void> {
  for (const event of events) {
    if (event.fromState === event.toState) continue;
    metrics.transition(request.role, event.fromState ?? null, event.toState);
    const milestone = request.role === 'requester' && !RESUMED_FROM.has(event.fromState ?? null) ? MILESTONES.get(event.toState) : undefined;
    if (milestone) metrics.turnaround(milestone, await partnerLabel(deps.directory, request.supplyingAgencyId), ((event.at ?? deps.now()).getTime() - request.createdAt.getTime()) / 1000);
  }
}

/** The requests a committed write changed: its own (inserted, updated, or remarked on) and the one it links to. */
function changedBy(write: StateWrite): string[] {
  const target = write.request;
  const own = target?.kind === 'insert' ? target.row.id : (target?.id ?? write.message?.requestId ?? undefined);
  return [...(own ? [own] : []), ...(write.linked ? [write.linked.id] : [])];
}

// ---------------------------------------------------------------------------------------------
// The whole path, for everything that is not a partner's message

export interface ChangeOptions {
  /** The version the caller saw (staff API): a different current version is a 409. */
  readonly expectedVersion?: number;
}

/**
 * Applies one change to a request. System changes (timers, deliveries, the ILS) are tried again
 * on a lost optimistic lock, since they are not based on anything a person saw.
 */
export async function changeRequest(deps: LifecycleDeps, requestId: string, change: Change, options: ChangeOptions = {}): Promise<Applied> {
  for (let attempt = 0; ; attempt++) {
    const request = await getRequest(deps.db, requestId);
    if (!request) throw new NotFound('request', requestId);
    if (options.expectedVersion !== undefined && options.expectedVersion !== request.version) throw staleVersion(request, options.expectedVersion);
    const prepared = prepare(request, change, await contextFor(deps, request));
    if (await commit(deps, prepared.write, prepared.after)) return { request: prepared.after, decision: prepared.decision };
    if (options.expectedVersion !== undefined || attempt >= 3) throw changedMeanwhile(request);
  }
}

/**
 * Keeps what the outside world told us about a request without a machine event (the ILS's ids
 * for a temporary item, a checkout done after the request moved on), with its audit remark, in
 * one write under the optimistic lock.
 */
export async function learnAbout(
  deps: LifecycleDeps,
  requestId: string,
  learned: Required<Pick<Learned, 'data'>>,
  /** `data` may depend on the request data read (what the remark says was changed). */
  remark?: Step & { readonly data: Record<string, unknown> | ((before: RequestData) => Record<string, unknown>) },
): Promise<RequestRow> {
  for (let attempt = 0; ; attempt++) {
    const request = await getRequest(deps.db, requestId);
    if (!request) throw new NotFound('request', requestId);
    const at = deps.now();
    const data = learned.data(request.data);
    const events = remark ? [remarkOn(request, remark, typeof remark.data === 'function' ? remark.data(request.data) : remark.data, at)] : [];
    const write: StateWrite = { request: { kind: 'update', id: request.id, expectedVersion: request.version, changes: { data }, at }, events };
    if (await commit(deps, write, request)) return { ...request, data, version: request.version + 1, updatedAt: at };
    if (attempt >= 4) throw new Conflict(`request ${requestId} kept changing; what the outside world told about it could not be saved`);
  }
}

function staleVersion(request: RequestRow, expected: number): Conflict {
  return new Conflict(`request ${request.id} is at version ${request.version}, not ${expected}: someone acted on it first`, { state: request.state, version: request.version });
}

function changedMeanwhile(request: RequestRow): Conflict {
  return new Conflict(`request ${request.id} was changed by someone else; reload it and try again`, { state: request.state, version: request.version });
}

