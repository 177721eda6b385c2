/**
 * Staff actions on a request, whatever its role: what the staff API calls, and the tests.
 * The machine decides whether the action fits the state; a refusal is a Conflict naming the
 * actions that do fit, and a stale version (someone acted first) is a Conflict too.
 */
import { z } from 'zod';
import { requesterActions, REQUESTER_STAFF_ACTIONS, type RequesterState } from '../../domain/requester';
import { supplierActions, SUPPLIER_STAFF_ACTIONS, type SupplierState } from '../../domain/supplier';
import { canonicalSymbol } from '../../domain/symbols';
import { IllegalTransition } from '../../domain/types';
import type { RequestRow } from '../../store/requests';
import { Conflict, ValidationFailed } from '../errors';
import { changeRequest, type AnyEvent, type LifecycleDeps } from '../pipeline/pipeline';

const note = z.string().trim().min(1).max(2000).optional();
const dueDate = z.iso.datetime({ offset: true, error: 'must be a date and time such as 2027-01-31T23:59:59Z' });

/** Parameters per action; actions not listed take only an optional note. */
const PARAMETERS: Readonly<Record<string, z.ZodType<Record<string, unknown>>>> = {
  /** itemId: the item's barcode; needed when the library's ILS checks the item out (NCIP). */
  ship: z.object({ note, dueDate, itemId: z.string().trim().min(1).max(200).optional() }).strict(),
  approve_renewal: z.object({ note, dueDate }).strict(),
  add_conditions: z.object({ note, conditions: z.array(z.string().trim().min(1)).min(1) }).strict(),
  cannot_supply: z.object({ note, reason: z.string().trim().min(1) }).strict(),
  send: z.object({ note, rota: z.array(z.object({ symbol: z.string().trim().min(3), localId: z.string().optional(), callNumber: z.string().optional() }).strict()).min(1).optional() }).strict(),
};
const NOTE_ONLY = z.object({ note }).strict();

export function availableActions(request: Pick<RequestRow, 'role' | 'state' | 'data'>): string[] {
  const lifecycle = request.data.lifecycle;
  return request.role === 'supplier' ? supplierActions(request.state as SupplierState, lifecycle) : requesterActions(request.state as RequesterState, lifecycle);
}

export interface ActionInput {
  readonly action: string;
  readonly params?: Record<string, unknown>;
  /** The version the staff member saw. */
  readonly expectedVersion?: number;
}

/**
 * The action as its machine's event, or ValidationFailed: the action must be one the request's
 * role knows, with the parameters that action takes. Pure: validated once, here.
 */
export function staffEvent(request: Pick<RequestRow, 'role'>, input: Pick<ActionInput, 'action' | 'params'>): AnyEvent {
  const known: readonly string[] = request.role === 'supplier' ? SUPPLIER_STAFF_ACTIONS : REQUESTER_STAFF_ACTIONS;
  if (!known.includes(input.action)) {
    throw new ValidationFailed([{ path: 'action', message: `unknown action "${input.action}"; a ${request.role} request knows ${known.join(', ')}` }]);
  }
  const parsed = (PARAMETERS[input.action] ?? NOTE_ONLY).safeParse(input.params ?? {});
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((i) => ({ path: ['params', ...i.path].join('.'), message: i.message })));
  const params: Record<string, unknown> = { ...parsed.data };
  if (Array.isArray(params.rota)) params.rota = (params.rota as { symbol: string }[]).map((e) => ({ ...e, symbol: canonicalSymbol(e.symbol) }));
  const event = { type: 'staff', action: input.action, ...params };
  // The parameters were checked against the action's schema above, which is the event's shape.
  return (request.role === 'supplier' ? { role: 'supplier', event } : { role: 'requester', event }) as AnyEvent;
}

/**
 * Takes a staff action. A refusal by the machine is a Conflict naming the actions that fit; so
 * is a version other than the one the staff member saw, with the request as it is now.
 */
export async function performStaffAction(deps: LifecycleDeps, requestId: string, input: ActionInput, actor: string): Promise<RequestRow> {
  let seen: RequestRow | undefined;
  const event = (request: RequestRow): AnyEvent => {
    seen = request;
    return staffEvent(request, input);
  };
  try {
    const applied = await changeRequest(deps, requestId, { input: event, actor, staff: true }, input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {});
    return applied.request;
  } catch (err) {
    if (err instanceof IllegalTransition && seen) {
      throw new Conflict(`"${input.action}" is not possible while the request is ${seen.state}: ${err.reason}`, { state: seen.state, version: seen.version, actions: availableActions(seen) });
    }
    throw err;
  }
}
