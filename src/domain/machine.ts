/**
 * A machine as data (XState's "transitions as data", crosslink's state-models.yaml): for each
 * state, the events it accepts, each with the states it can lead to and the handler that decides.
 * The `decide*` functions run these rows, and `acceptedEvents` / `targetsOf` and the diagrams in
 * README.md read the same rows, so "what does state X accept?" is answered without running code.
 *
 * An event a state's row does not list is refused (IllegalTransition) or, where the machine says
 * so (a stale timer, a repeated status, a plain notification), noted without any change.
 */
import type { Decision, Lifecycle } from './types';

export interface Current<S extends string> {
  readonly state: S;
  readonly lifecycle: Lifecycle;
  /** The transaction's requestingAgencyRequestId, when the service gives it (a retry renames it; timers carry it). */
  readonly requestingAgencyRequestId?: string;
}

/** What one event does in one state. */
export interface Transition<S extends string, E, C> {
  /**
   * Every state the handler can decide, the state itself included when it stays (to answer,
   * relay or update a field). A decision that changes nothing may keep the state without it.
   */
  readonly to: readonly S[];
  /** The decision; `undefined` when the event's content does not apply here (then it is treated as not accepted). */
  readonly run: (current: Current<S>, event: E, ctx: C) => Decision<S> | undefined;
  /** Staff actions offered only on some requests of the state (the item's place, the service type). */
  readonly offeredWhen?: (lifecycle: Lifecycle) => boolean;
}

/** A state's accepted events; the event type is fixed where the rows of one kind are written. */
export type Row<S extends string, K extends string, E, C> = { readonly [key in K]?: Transition<S, E, C> };
export type Rows<S extends string, K extends string, E, C> = Readonly<Record<S, Row<S, K, E, C>>>;

/** The transition for `key` in the current state, if this request accepts it. */
export function transitionOf<S extends string, K extends string, E, C>(row: Row<S, K, E, C>, key: K, lifecycle: Lifecycle): Transition<S, E, C> | undefined {
  const t = row[key];
  return t && (t.offeredWhen === undefined || t.offeredWhen(lifecycle)) ? t : undefined;
}

/** Run the row's transition for `key`; `undefined` when the state does not accept the event (the caller refuses or notes). */
export function step<S extends string, K extends string, E, C>(rows: Rows<S, K, E, C>, key: K, current: Current<S>, event: E, ctx: C): Decision<S> | undefined {
  return transitionOf(rows[current.state], key, current.lifecycle)?.run(current, event, ctx);
}

/** One machine's states and events, with every row of every kind (system events, partner messages, staff). */
export interface MachineModel<S extends string, K extends string> {
  readonly name: string;
  readonly states: Readonly<Record<S, { readonly terminal: boolean }>>;
  /** The states a new request starts in (`start*`). */
  readonly initial: readonly S[];
  /** Every event key the machine knows, in the order the docs list them. */
  readonly events: readonly K[];
  /** Erased event type: each part was typed where it was written, and the model only reads `to`. */
  readonly rows: Rows<S, K, never, never>;
}

/**
 * The model from its parts (rows of system events, partner messages, staff actions). The parts
 * are the objects the machine runs; a key listed by two parts, or one outside `events`, is a bug.
 */
export function machineModel<S extends string, K extends string>(
  spec: Omit<MachineModel<S, K>, 'rows'>,
  ...parts: readonly { readonly [state in S]?: { readonly [key in K]?: Transition<S, never, never> } }[]
): MachineModel<S, K> {
  const known = new Set<string>(spec.events);
  const rows = {} as Record<S, Record<string, Transition<S, never, never>>>;
  for (const state of Object.keys(spec.states) as S[]) {
    const row: Record<string, Transition<S, never, never>> = {};
    for (const part of parts) {
      for (const [key, t] of Object.entries(part[state] ?? {}) as [string, Transition<S, never, never> | undefined][]) {
        if (t === undefined) continue;
        if (!known.has(key)) throw new Error(`${spec.name} model: ${state} lists ${key}, which is not one of its events`);
        if (row[key]) throw new Error(`${spec.name} model: ${state} lists ${key} twice`);
        const unknown = t.to.find((s, i) => !(s in spec.states) || t.to.indexOf(s) !== i);
        if (unknown !== undefined) throw new Error(`${spec.name} model: ${state} + ${key} names ${unknown} twice or as no state`);
        row[key] = t;
      }
    }
    rows[state] = row;
  }
  return { ...spec, rows: rows as unknown as Rows<S, K, never, never> };
}

/** Rows keyed by a prefix (staff actions are `staff:<action>` in the model). */
export function prefixed<S extends string, A extends string, P extends string, E, C>(prefix: P, rows: Rows<S, A, E, C>): Rows<S, `${P}${A}`, E, C> {
  const out = {} as Record<S, Row<S, `${P}${A}`, E, C>>;
  for (const [state, row] of Object.entries(rows) as [S, Row<S, A, E, C>][]) {
    out[state] = Object.fromEntries(Object.entries(row).map(([key, t]) => [`${prefix}${key}`, t])) as Row<S, `${P}${A}`, E, C>;
  }
  return out;
}
