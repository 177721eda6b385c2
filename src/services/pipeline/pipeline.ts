/**
 * Load, decide, save: applies an event to a request through its machine and saves the decision
 * with its effects in one transaction (request row under its optimistic lock, one audit event,
 * one outbox row per effect). Nothing leaves the server from here; the workers do that.
 */
import { decideRequester, requesterEventLabel, type RequesterEvent, type RequesterState } from '../../domain/requester';
import { decideSupplier, supplierEventLabel, type SupplierEvent, type SupplierState } from '../../domain/supplier';
import { brokerEventLabel, decideBroker, type BrokerEvent, type BrokerState } from '../../domain/broker';
import { isNoChange } from '../../domain/decision';
import type { Decision, IlsSteps, Lifecycle } from '../../domain/types';
import type { Db } from '../../store/db';
import { appendEvent, appendRemark } from '../../store/events';
import { findLibraryById, type LibraryRow } from '../../store/libraries';
import { addToOutbox } from '../../store/outbox';
import { getRequest, updateRequest, type RequestRow } from '../../store/requests';
import type { ServiceDeps } from '../deps';
import { outboxRowsFor } from './effects';
import { ilsStepsOf } from '../ncip/settings';
import type { RoutingSettings } from '../borrowing/routing';
import { Conflict, NotFound } from '../errors';

export interface LifecycleDeps extends ServiceDeps {
  readonly supplierTimeoutMs: number;
  /** Rota strategy and load window for new borrowing requests (defaults: as given, 30 days). */
  readonly routing?: RoutingSettings;
  /** Called after a commit that wrote outbox rows, so the relay picks them up at once. */
  readonly wake?: () => void;
}

export type AnyEvent =
  | { readonly role: 'requester'; readonly event: RequesterEvent }
  | { readonly role: 'supplier'; readonly event: SupplierEvent }
  | { readonly role: 'broker'; readonly event: BrokerEvent };

export interface Applied {
  readonly request: RequestRow;
  readonly decision: Decision<string>;
}

export function lifecycleOf(request: RequestRow): Lifecycle {
  const stored = (request.data as { lifecycle?: Lifecycle }).lifecycle;
  return stored ?? { serviceType: request.serviceType };
}

/**
 * Runs the request's machine; throws IllegalTransition when the state does not accept the event.
 * `ils`: the library's ILS steps that hold a state change back (`ilsStepsOf(library)`).
 */
export function decide(request: RequestRow, input: AnyEvent, at: Date, supplierTimeoutMs: number, ils: IlsSteps = {}): Decision<string> {
  const current = { lifecycle: lifecycleOf(request) };
  if (input.role === 'broker') return decideBroker({ ...current, state: request.state as BrokerState }, input.event, { at, supplierTimeoutMs });
  if (input.role === 'requester') {
    return decideRequester({ ...current, state: request.state as RequesterState }, input.event, { at, supplierTimeoutMs, ils });
  }
  return decideSupplier({ ...current, state: request.state as SupplierState }, input.event, { at, ils });
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

/**
 * Saves a decision inside the caller's transaction. Returns the updated row, or throws Conflict
 * when the row changed since it was read (optimistic lock on `version`).
 */
export async function saveDecision(
  tx: Db,
  request: RequestRow,
  decision: Decision<string>,
  meta: {
    readonly event: string;
    readonly actor: string;
    readonly at: Date;
    readonly newId: () => string;
    readonly staff?: boolean;
    /** The request was just inserted in this state: record its first event and effects only. */
    readonly initial?: boolean;
    /** The request's library, when the caller has read it already (null: it has none). */
    readonly library?: LibraryRow | null;
  },
): Promise<RequestRow> {
  if (!meta.initial && isNoChange(request, decision)) {
    // Nothing to change (a repeated status, a stale timer, a plain note): audit only, same version.
    await appendRemark(tx, request, { event: meta.event, actor: meta.actor, data: decision.note ? { note: decision.note } : {}, at: meta.at });
    return request;
  }
  const lifecycle = applyChanges(lifecycleOf(request), decision.changes);
  const library = meta.library !== undefined ? (meta.library ?? undefined) : request.libraryId ? await findLibraryById(tx, request.libraryId) : undefined;
  const { rows, skipped } = outboxRowsFor(request, lifecycle, decision.effects, { at: meta.at, library });
  // Staff acting on a request is staff having looked at it; an error state always needs them.
  const needsAttention = decision.state === 'error' || (meta.staff ? false : request.needsAttention);
  const updated = meta.initial
    ? request
    : await updateRequest(tx, request.id, request.version, { state: decision.state, data: { ...request.data, lifecycle }, needsAttention }, meta.at);
  if (!updated) throw new Conflict(`request ${request.id} was changed by someone else; reload it and try again`, { state: request.state, version: request.version });
  await appendEvent(tx, {
    requestId: request.id,
    event: meta.event,
    fromState: meta.initial ? null : request.state,
    toState: decision.state,
    actor: meta.actor,
    data: {
      ...(decision.note ? { note: decision.note } : {}),
      ...(decision.effects.length > 0 ? { effects: decision.effects } : {}),
      ...(skipped.length > 0 ? { notCarriedOut: skipped } : {}),
    },
    at: meta.at,
  });
  await addToOutbox(tx, rows, meta.newId);
  return updated;
}

export interface ApplyOptions {
  readonly actor: string;
  /** The version the caller saw (staff API): a different current version is a 409. */
  readonly expectedVersion?: number;
  readonly staff?: boolean;
}

/**
 * Applies one event to a request in its own transaction. System events (timers, deliveries)
 * retry on a lost optimistic lock, since they are not based on anything a person saw.
 */
export async function applyEvent(deps: LifecycleDeps, requestId: string, input: AnyEvent, options: ApplyOptions): Promise<Applied> {
  for (let attempt = 0; ; attempt++) {
    const request = await getRequest(deps.db, requestId);
    if (!request) throw new NotFound('request', requestId);
    if (options.expectedVersion !== undefined && options.expectedVersion !== request.version) {
      throw new Conflict(`request ${requestId} is at version ${request.version}, not ${options.expectedVersion}`, { state: request.state, version: request.version });
    }
    const at = deps.now();
    const library = request.libraryId ? await findLibraryById(deps.db, request.libraryId) : undefined;
    const decision = decide(request, input, at, deps.supplierTimeoutMs, ilsStepsOf(library));
    try {
      const saved = await deps.db.transaction((tx) =>
        saveDecision(tx, request, decision, { event: eventLabel(input), actor: options.actor, at, newId: deps.newId, library: library ?? null, ...(options.staff ? { staff: true } : {}) }),
      );
      if (decision.effects.length > 0) deps.wake?.();
      return { request: saved, decision };
    } catch (err) {
      const retryable = err instanceof Conflict && options.expectedVersion === undefined && attempt < 3;
      if (!retryable) throw err;
    }
  }
}

export const DEFAULT_ROUTING: RoutingSettings = { strategy: 'as_given', loadWindowDays: 30 };
