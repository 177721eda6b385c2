/**
 * Staff actions on a request, whatever its role: what the staff API calls, and the tests.
 * The machine decides whether the action fits the state; a refusal is a Conflict naming the
 * actions that do fit, and a stale version (someone acted first) is a Conflict too.
 */
import { z } from 'zod';
import { brokerActions, BROKER_STAFF_ACTIONS, type BrokerState } from '../../domain/broker';
import { requesterActions, REQUESTER_STAFF_ACTIONS, type RequesterState } from '../../domain/requester';
import { supplierActions, SUPPLIER_STAFF_ACTIONS, type SupplierState } from '../../domain/supplier';
import { reroutedRota } from '../../domain/rota';
import type { RoutingPlan } from '../../domain/routing';
import { canonicalSymbol, sameSymbol } from '../../domain/symbols';
import { IllegalTransition } from '../../domain/types';
import type { RequestData, StoredPatron } from '../../store/request-data';
import { getRequest, type RequestRow } from '../../store/requests';
import { costsSchema } from '../borrowing/borrowing';
import { rerequestBorrowing } from '../borrowing/rerequest';
import { candidateSupplierSchema, routeRequest } from '../borrowing/routing';
import { Conflict, NotFound, ValidationFailed } from '../errors';
import { resolveDueDate } from '../lending/due-date';
import { changeRequest, DEFAULT_ROUTING, type AnyEvent, type Learned, type LifecycleDeps } from '../pipeline/pipeline';

const note = z.string().trim().min(1).max(2000).optional();
const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (2027-01-31) or a date and time (2027-01-31T12:00:00Z)' });
/** A date is the end of that day in the lending library's time zone (services/lending/due-date.ts). */
const dueDate = dateOrDateTime.meta({ description: 'A date-time, or a date: the end of that day in the library’s time zone (settings.mail.timeZone, else UTC)' });

/** offer_retry: RetryPossible with reasonRetry (the standard codes or an open value), the window, a price, conditions. */
const offerRetry = z
  .object({
    note,
    reason: z.string().trim().min(1).max(200).meta({ description: 'reasonRetry: CostExceedsMaxCost, OnLoan, LoanCondition, NotFoundAsCited, or an open value' }),
    retryAfter: dateOrDateTime.optional(),
    retryBefore: dateOrDateTime.optional(),
    offeredCosts: costsSchema.optional(),
    loanConditions: z.array(z.string().trim().min(1)).min(1).optional(),
  })
  .strict()
  .refine((p) => p.retryAfter === undefined || p.retryBefore === undefined || Date.parse(p.retryBefore) > Date.parse(p.retryAfter), { path: ['retryBefore'], message: 'must come after retryAfter' });

/** accept_retry: what the Retry asks for differently; the edits are kept in the request's data. */
const acceptRetry = z
  .object({
    note,
    maxCost: costsSchema.optional().meta({ description: 'The most the library pays now (billingInfo maximumCosts)' }),
    edition: z.string().trim().min(1).max(200).optional(),
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']).optional(),
    needBeforeDate: dateOrDateTime.optional().meta({ description: 'The date the patron needs it by (kept as the request’s neededBy)' }),
  })
  .strict();

/** edit_patron: the patron as staff correct it (request data); at least one field. */
const editPatron = z
  .object({
    note,
    patronId: z.string().trim().min(1).max(200).optional().meta({ description: 'The patron’s id in the ILS (LookupUser checks it)' }),
    email: z.email('must be an e-mail address').nullable().optional().meta({ description: 'null: no e-mail (the ILS’s is taken at the next check)' }),
    pickupLocation: z.string().trim().min(1).max(50).optional(),
  })
  .strict()
  .refine((p) => p.patronId !== undefined || p.email !== undefined || p.pickupLocation !== undefined, { message: 'give patronId, email or pickupLocation' });
/** rerequest: what the new request asks for differently; candidates absent: the directory. */
const rerequest = z
  .object({
    note,
    edition: z.string().trim().min(1).max(200).optional(),
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']).optional(),
    maxCost: costsSchema.optional().meta({ description: 'The most the library pays (billingInfo maximumCosts)' }),
    needBeforeDate: dateOrDateTime.optional().meta({ description: 'The date the patron needs it by (the new request’s neededBy)' }),
    candidates: z.array(candidateSupplierSchema).min(1).max(50).optional().meta({ description: 'Suppliers to route among; absent: the directory' }),
  })
  .strict();

/** Parameters per action; actions not listed take only an optional note. */
const PARAMETERS: Readonly<Record<string, z.ZodType<Record<string, unknown>>>> = {
  /** itemId: the item's barcode; needed when the library's ILS checks the item out (NCIP). */
  ship: z
    .object({ note, dueDate: dueDate.optional().meta({ description: 'Absent: the end of the day the library’s loan period (settings.lending) ends' }), itemId: z.string().trim().min(1).max(200).optional() })
    .strict(),
  approve_renewal: z.object({ note, dueDate }).strict(),
  add_conditions: z.object({ note, conditions: z.array(z.string().trim().min(1)).min(1) }).strict(),
  cannot_supply: z.object({ note, reason: z.string().trim().min(1) }).strict(),
  offer_retry: offerRetry,
  accept_retry: acceptRetry,
  edit_patron: editPatron,
  rerequest,
  send: z.object({ note, rota: z.array(z.object({ symbol: z.string().trim().min(3), localId: z.string().optional(), callNumber: z.string().optional() }).strict()).min(1).optional() }).strict(),
};
const NOTE_ONLY = z.object({ note }).strict();
/** Hub staff say why: the requester hears it in the note of the message the hub sends. */
const HUB_PARAMETERS = z.object({ reason: z.string().trim().min(1).max(2000).meta({ description: 'Why; it reaches the requester' }) }).strict();

export function availableActions(request: Pick<RequestRow, 'role' | 'state' | 'data'>): string[] {
  const lifecycle = request.data.lifecycle;
  if (request.role === 'supplier') return supplierActions(request.state as SupplierState, lifecycle);
  if (request.role === 'broker') return brokerActions(request.state as BrokerState, lifecycle);
  // An ended request is re-requested once: the new one carries on.
  return requesterActions(request.state as RequesterState, lifecycle).filter((a) => a !== 'rerequest' || request.data.rerequestedAs === undefined);
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
  const known: readonly string[] = request.role === 'supplier' ? SUPPLIER_STAFF_ACTIONS : request.role === 'broker' ? BROKER_STAFF_ACTIONS : REQUESTER_STAFF_ACTIONS;
  if (!known.includes(input.action)) {
    throw new ValidationFailed([{ path: 'action', message: `unknown action "${input.action}"; a ${request.role} request knows ${known.join(', ')}` }]);
  }
  const parsed = (request.role === 'broker' ? HUB_PARAMETERS : (PARAMETERS[input.action] ?? NOTE_ONLY)).safeParse(input.params ?? {});
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((i) => ({ path: ['params', ...i.path].join('.'), message: i.message })));
  const params: Record<string, unknown> = { ...parsed.data };
  if (Array.isArray(params.rota)) params.rota = (params.rota as { symbol: string }[]).map((e) => ({ ...e, symbol: canonicalSymbol(e.symbol) }));
  // The retry's and the patron's edits are request data (retryEdits, patronEdits), not the machine's business.
  if (input.action === 'accept_retry') for (const key of ['maxCost', 'edition', 'needBeforeDate']) delete params[key];
  if (input.action === 'edit_patron') for (const key of ['patronId', 'email', 'pickupLocation']) delete params[key];
  const event = { type: 'staff', action: input.action, ...params };
  // The parameters were checked against the action's schema above, which is the event's shape.
  return { role: request.role, event } as AnyEvent;
}

/**
 * What staff changed taking up a retry offer, kept in the request (the Retry is built from it):
 * the edition wanted, the most the library pays, the date the patron needs it by. The service
 * type is the machine's (lifecycle.serviceType).
 */
function retryEdits(params: z.output<typeof acceptRetry> | undefined): ((data: RequestData) => RequestData) | undefined {
  if (!params || (params.edition === undefined && params.maxCost === undefined && params.needBeforeDate === undefined)) return undefined;
  const { edition, maxCost, needBeforeDate } = params;
  return (data) => ({
    ...data,
    ...(edition !== undefined ? { bibliographic: { ...data.bibliographic, edition } } : {}),
    ...(maxCost !== undefined ? { billing: { ...data.billing, maxCost } } : {}),
    ...(needBeforeDate !== undefined ? { neededBy: needBeforeDate.slice(0, 10) } : {}),
  });
}

/**
 * The patron as staff corrected it. A new id drops the ILS's structured name (it was the old
 * patron's); `email: null` removes the e-mail, so the next LookupUser gives the ILS's.
 */
function patronEdits(params: z.output<typeof editPatron> | undefined): ((data: RequestData) => RequestData) | undefined {
  if (!params) return undefined;
  const { patronId, email, pickupLocation } = params;
  return (data) => {
    const before = data.patron;
    const id = patronId ?? before?.id;
    if (id === undefined) return pickupLocation !== undefined ? { ...data, pickupLocation } : data;
    const { givenName, surname, email: oldEmail, ...rest } = before ?? { id };
    const samePatron = before !== undefined && before.id === id;
    const patron: StoredPatron = {
      ...rest,
      id,
      ...(samePatron && givenName !== undefined ? { givenName } : {}),
      ...(samePatron && surname !== undefined ? { surname } : {}),
      ...(email === undefined ? (oldEmail !== undefined ? { email: oldEmail } : {}) : email === null ? {} : { email }),
    };
    return { ...data, patron, ...(pickupLocation !== undefined ? { pickupLocation } : {}) };
  };
}

/**
 * Takes a staff action. A refusal by the machine is a Conflict naming the actions that fit; so
 * is a version other than the one the staff member saw, with the request as it is now.
 */
export async function performStaffAction(deps: LifecycleDeps, requestId: string, given: ActionInput, actor: string): Promise<RequestRow> {
  if (given.action === 'rerequest') return rerequestAsStaff(deps, requestId, given, actor);
  const input = DATED_ACTIONS.has(given.action) ? await withDueDate(deps, requestId, given) : given;
  let seen: RequestRow | undefined;
  const rerouting = input.action === 'reroute' ? await routeAgain(deps, requestId) : undefined;
  const event = (request: RequestRow): AnyEvent => {
    seen = request;
    const made = staffEvent(request, input);
    // Today's rota is routing's answer, not staff's: it joins the event after the parameters were checked.
    if (!rerouting || made.event.type !== 'staff') return made;
    if (made.role === 'requester') return { role: 'requester', event: { ...made.event, rota: rerouting.rota } };
    return made.role === 'broker' ? { role: 'broker', event: { ...made.event, rota: rerouting.rota } } : made;
  };
  const edits =
    input.action === 'accept_retry'
      ? retryEdits(acceptRetry.safeParse(input.params ?? {}).data)
      : input.action === 'edit_patron'
        ? patronEdits(editPatron.safeParse(input.params ?? {}).data)
        : rerouting
          ? reroutedExplanation(rerouting, deps.now())
          : undefined;
  const learned: Learned | undefined = edits ? { data: edits } : undefined;
  try {
    const applied = await changeRequest(deps, requestId, { input: event, actor, staff: true, ...(learned ? { learned } : {}) }, input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {});
    return applied.request;
  } catch (err) {
    if (err instanceof IllegalTransition && seen) {
      throw new Conflict(`"${input.action}" is not possible while the request is ${seen.state}: ${err.reason}`, { state: seen.state, version: seen.version, actions: availableActions(seen) });
    }
    throw err;
  }
}

/** Lending actions that carry a due date. */
const DATED_ACTIONS = new Set(['ship', 'approve_renewal']);

/**
 * A lending action's due date as the date-time the machine and the partner get: a plain date is
 * the end of that day in the library's time zone; a ship without one takes the loan period.
 */
async function withDueDate(deps: LifecycleDeps, requestId: string, input: ActionInput): Promise<ActionInput> {
  const request = await getRequest(deps.db, requestId);
  if (!request || request.role !== 'supplier') return input;
  staffEvent(request, input); // the parameters as given are checked first
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  if (!library) return input;
  const given = input.params?.dueDate as string | undefined;
  const dueDate = resolveDueDate(given, library, request.requestingAgencyId, deps.now(), input.action === 'ship');
  if (dueDate === undefined) {
    throw new ValidationFailed([{ path: 'params.dueDate', message: `is required: ${library.symbol} has no loan period for ${request.requestingAgencyId} (settings.lending)` }]);
  }
  return { ...input, params: { ...input.params, dueDate } };
}

/**
 * Routing run again for a borrowing request, as it was created: its service type, format and the
 * candidates it was given (none: the directory), with today's directory, policies and load.
 */
async function routeAgain(deps: LifecycleDeps, requestId: string): Promise<RoutingPlan | undefined> {
  const request = await getRequest(deps.db, requestId);
  if (!request) throw new NotFound('request', requestId);
  const library = request.role !== 'supplier' && request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
  // Not a borrowing or brokered request of ours: the machine refuses the action (or staffEvent names it unknown).
  if (!library) return undefined;
  const { data } = request;
  const query = { serviceType: data.lifecycle.serviceType, ...(data.format ? { format: data.format } : {}), candidates: data.candidates ?? [] };
  if (request.role === 'requester') return routeRequest(deps.db, library, query, deps.routing ?? DEFAULT_ROUTING, deps.now(), deps.directory);
  // At the hub, as at intake: judged for the real requester, and the hub is no supplier of its own.
  const plan = await routeRequest(deps.db, { ...library, symbol: request.requestingAgencyId }, query, deps.routing ?? DEFAULT_ROUTING, deps.now(), deps.directory);
  return {
    ...plan,
    rota: plan.rota.filter((e) => !sameSymbol(e.symbol, library.symbol)),
    explanation: plan.explanation.map((v) => (v.kept && sameSymbol(v.symbol, library.symbol) ? { symbol: v.symbol, kept: false, reason: 'is the broker itself' } : v)),
  };
}

/**
 * The new rota's explanation replaces the first one, as routing gave it, except that suppliers
 * asked already are shown as left out (the machine does not ask them again).
 */
function reroutedExplanation(plan: RoutingPlan, at: Date): (data: RequestData) => RequestData {
  return (data) => {
    const leftOut = new Set(reroutedRota(data.lifecycle, plan.rota).leftOut);
    const kept = plan.explanation.filter((v) => v.kept && !leftOut.has(v.symbol)).map((v, i) => ({ ...v, rank: i + 1 }));
    const asked = plan.explanation.filter((v) => leftOut.has(v.symbol)).map((v) => ({ symbol: v.symbol, kept: false, reason: 'was asked already for this request' }));
    const explanation = [...kept, ...asked, ...plan.explanation.filter((v) => !v.kept && !leftOut.has(v.symbol))];
    return { ...data, routing: { strategy: plan.strategy, explanation, at: at.toISOString() } };
  };
}

/** Re-request answers with the new request; the ended one is left as it ended, linked to it. */
async function rerequestAsStaff(deps: LifecycleDeps, requestId: string, input: ActionInput, actor: string): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (!request) throw new NotFound('request', requestId);
  staffEvent(request, input);
  if (input.expectedVersion !== undefined && input.expectedVersion !== request.version) {
    throw new Conflict(`request ${request.id} is at version ${request.version}, not ${input.expectedVersion}: someone acted on it first`, { state: request.state, version: request.version });
  }
  const edits = rerequest.parse(input.params ?? {});
  try {
    return await rerequestBorrowing(deps, request, { ...edits, ...(edits.candidates ? { candidates: edits.candidates.map((c) => ({ ...c, symbol: canonicalSymbol(c.symbol) })) } : {}) }, actor);
  } catch (err) {
    if (err instanceof IllegalTransition) throw new Conflict(`"rerequest" is not possible while the request is ${request.state}: ${err.reason}`, { state: request.state, version: request.version, actions: availableActions(request) });
    throw err;
  }
}
