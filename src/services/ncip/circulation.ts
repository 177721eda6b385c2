/**
 * NCIP circulation inside the loan: carries out one `ncip.call` outbox row against the member
 * library's ILS, so the ILS stays in step with the request.
 *
 * Borrowing: LookupUser (the patron may borrow -> `validate`, else `validation_failed`), AcceptItem
 * (temporary item + hold; the ILS ids go to `data.ncip`), CheckInItem, DeleteItem,
 * CancelRequestItem (the hold, when the item goes back uncollected). Lending: CheckOutItem to the
 * borrowing library's account, asking for staff's due date (success -> `ils_checked_out` with
 * the ILS's due date, which the Loaned message then carries), CheckInItem.
 *
 * Outcomes: a transient failure throws (BullMQ retries with backoff; the state change is already
 * committed). A Problem throws PermanentJobFailure naming it (the row goes dead and the request
 * needs attention; staff retry or skip it, see staff/dead-work.ts). A step switched off, or NCIP
 * switched off since the decision, is recorded as skipped and the loan goes on without it.
 * Every exchange is stored in protocol_messages; every outcome in the request's audit trail.
 */
import type { NcipCall, ReasonCategory } from '../../domain/types';
import { IllegalTransition } from '../../domain/types';
import { PermanentJobFailure, type NcipCallPayload } from '../../jobs';
import type { UserName } from '../../../protocols/ncip';
import { createNcipClient, type NcipClient, type NcipExchange, type NcipRefusalProblem, type NcipResult } from '../../ncip/client';
import { borrowerAccountFor, type LibraryNcipSettings } from '../../ncip/settings';
import { appendRemark } from '../../store/events';
import type { LibraryRow } from '../../store/libraries';
import { recordMessage } from '../../store/messages';
import type { OutboxRow } from '../../store/outbox';
import type { RequestData, StoredPatron } from '../../store/request-data';
import { getRequest, type RequestRow } from '../../store/requests';
import { NotFound } from '../errors';
import { changeRequest, learnAbout, type AnyEvent, type Learned, type LifecycleDeps } from '../pipeline/pipeline';
import { ncipSkipReason, parseLibraryNcip } from './settings';

export interface NcipCirculationDeps extends LifecycleDeps {
  readonly fetch?: typeof fetch;
}

/** What the ILS told us about the request, kept in `requests.data.ncip`. */
export interface RequestNcipData {
  /** Borrowing: the temporary item AcceptItem created (the NCIP responder finds requests by it). */
  readonly itemId?: string;
  /** Borrowing: the ILS's hold (request) id from AcceptItem. */
  readonly requestId?: string;
  /** Lending: the checkout to the borrowing library. */
  readonly checkOut?: { readonly itemId: string; readonly userId: string; readonly dueDate?: string };
}

/** A retryable ILS failure: BullMQ tries again later. */
export class TransientNcipFailure extends Error {
  override readonly name = 'TransientNcipFailure';
}

const ACTOR = 'system:ncip';

/** Problems of LookupUser that are a verdict on the patron (not on the connection or the message), and their category. */
const PATRON_VERDICTS: ReadonlyMap<string, ReasonCategory> = new Map([
  ['Unknown User', 'patron_unknown'],
  ['User Blocked', 'patron_blocked'],
  ['User Access Denied', 'patron_not_permitted'],
  ['User Authentication Failed', 'patron_not_permitted'],
  ['Non-Unique User', 'patron_ambiguous'],
]);

export async function carryOutNcipCall(deps: NcipCirculationDeps, row: OutboxRow): Promise<void> {
  const { call } = row.payload as unknown as NcipCallPayload;
  const request = row.requestId ? await getRequest(deps.db, row.requestId) : undefined;
  if (!request) throw new PermanentJobFailure(`NCIP ${call}: outbox row ${row.id} has no request`);
  const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;

  const off = ncipSkipReason(library, call);
  if (off !== undefined) {
    await note(deps, request, call, deps.now(), { outcome: 'skipped', why: off, outboxId: row.id });
    await continueWithout(deps, request.id, call, ACTOR, `NCIP ${call} skipped: ${off}`);
    return;
  }
  const parsed = parseLibraryNcip(library);
  if (!parsed.ok) throw new PermanentJobFailure(`NCIP ${call} not carried out: ${parsed.reason}`);
  const ctx: CallContext = { deps, row, request, library: library!, settings: parsed.settings, client: clientFor(deps, parsed.settings, request.id, row.id) };
  return CALLS[call](ctx);
}

/**
 * The loan goes on without an ILS step that holds a state change back (switched off, or skipped
 * by staff after a refusal): the patron counts as checked, the loan is announced with staff's
 * due date. Other calls hold nothing back. Nothing happens when the request has moved on.
 */
export async function continueWithout(deps: LifecycleDeps, requestId: string, call: NcipCall, actor: string, why: string): Promise<void> {
  const request = await getRequest(deps.db, requestId);
  if (!request) throw new NotFound('request', requestId);
  if (call === 'LookupUser' && request.role === 'requester' && request.state === 'new') {
    await decideAndSave(deps, requestId, { role: 'requester', event: { type: 'validate' } }, actor, { note: why });
  } else if (call === 'CheckOutItem' && request.role === 'supplier' && request.state === 'shipping') {
    await decideAndSave(deps, requestId, { role: 'supplier', event: { type: 'ils_checked_out' } }, actor, { note: why });
  }
}

interface CallContext {
  readonly deps: NcipCirculationDeps;
  readonly row: OutboxRow;
  readonly request: RequestRow;
  readonly library: LibraryRow;
  readonly settings: LibraryNcipSettings;
  readonly client: NcipClient;
}


async function lookupUser(ctx: CallContext): Promise<void> {
  const { deps, request, row } = ctx;
  if (request.state !== 'new') return alreadyPast(ctx, `the request is ${request.state}, no longer waiting for the patron check`);
  const patronId = request.data.patron?.id;
  if (!patronId) throw new PermanentJobFailure('NCIP LookupUser not carried out: the request has no patron id');
  const result = await ctx.client.lookupUser({ patronId });
  const verdict = !result.ok && result.error.kind === 'refused' ? result.error.problems.map((p) => PATRON_VERDICTS.get(p.recognized ?? p.type)).find((c) => c !== undefined) : undefined;
  if (!result.ok && verdict !== undefined) {
    const reason = `the ILS does not accept patron ${patronId}: ${describeProblems(result.error.kind === 'refused' ? result.error.problems : [])}`;
    await note(deps, request, 'LookupUser', deps.now(), { outcome: 'refused', reason, category: verdict, outboxId: row.id });
    await decideAndSave(deps, request.id, { role: 'requester', event: { type: 'validation_failed', reason, category: verdict } }, ACTOR);
    return;
  }
  const user = valueOf(result, 'LookupUser');
  if (user.verdict === 'blocked') {
    const reason = `patron ${patronId} is blocked in the ILS (${user.blockReasons.join(', ') || 'no reason given'})`;
    await note(deps, request, 'LookupUser', deps.now(), { outcome: 'blocked', reason, category: 'patron_blocked', outboxId: row.id });
    await decideAndSave(deps, request.id, { role: 'requester', event: { type: 'validation_failed', reason, category: 'patron_blocked' } }, ACTOR);
    return;
  }
  const useEmail = user.email !== undefined && request.data.patron?.email === undefined;
  const name = user.name;
  const learned = [useEmail ? 'e-mail' : undefined, name ? 'name' : undefined].filter((w) => w !== undefined).join(' and ');
  await note(deps, request, 'LookupUser', deps.now(), {
    outcome: 'done',
    verdict: 'active',
    ...(useEmail ? { emailFromIls: user.email } : {}),
    ...(name ? { nameFromIls: name.display } : {}),
    outboxId: row.id,
  });
  await decideAndSave(deps, request.id, { role: 'requester', event: { type: 'validate' } }, ACTOR, {
    note: learned ? `patron checked in the ILS; ${learned} taken from the ILS` : 'patron checked in the ILS',
    data: (data) => (data.patron ? { ...data, patron: withIlsDetails(data.patron, useEmail ? user.email : undefined, name) } : data),
  });
}

/**
 * The patron with what the ILS knows: its e-mail when none was given, its structured name always,
 * and its display name when none was given (staff's or the discovery layer's wording wins).
 */
function withIlsDetails(patron: StoredPatron, email: string | undefined, name: UserName | undefined): StoredPatron {
  return {
    ...patron,
    ...(email !== undefined && patron.email === undefined ? { email } : {}),
    ...(name?.givenName ? { givenName: name.givenName } : {}),
    ...(name?.surname ? { surname: name.surname } : {}),
    ...(name && name.display !== '' && patron.name === undefined ? { name: name.display } : {}),
  };
}

async function acceptItem(ctx: CallContext): Promise<void> {
  const { deps, request, row, settings } = ctx;
  const data = request.data;
  if (data.ncip?.itemId !== undefined) return alreadyPast(ctx, `the ILS already has temporary item ${data.ncip.itemId}`);
  const patronId = data.patron?.id;
  if (!patronId) throw new PermanentJobFailure('NCIP AcceptItem not carried out: the request has no patron id');
  const dueDate = request.data.lifecycle.dueDate;
  const result = await ctx.client.acceptItem({
    requestId: request.id,
    patronId,
    ...(settings.temporaryBarcodePrefix !== undefined ? { itemBarcode: `${settings.temporaryBarcodePrefix}${request.id}` } : {}),
    ...(data.bibliographic?.title !== undefined ? { title: data.bibliographic.title } : {}),
    ...(data.bibliographic?.author !== undefined ? { author: data.bibliographic.author } : {}),
    ...(data.pickupLocation !== undefined ? { pickupLocation: data.pickupLocation } : {}),
    ...(dueDate !== undefined && !Number.isNaN(Date.parse(dueDate)) ? { dateForReturn: new Date(dueDate) } : {}),
  });
  const accepted = valueOf(result, 'AcceptItem');
  if (accepted.itemId === '') throw new PermanentJobFailure('NCIP AcceptItem: the ILS accepted the item but named no item id');
  const ncip: RequestNcipData = { itemId: accepted.itemId, ...(accepted.requestId !== undefined ? { requestId: accepted.requestId } : {}) };
  await learnAbout(deps, request.id, { data: (d) => ({ ...d, ncip: { ...d.ncip, ...ncip } }) }, { event: 'ncip:AcceptItem', actor: ACTOR, data: { outcome: 'done', ...ncip, outboxId: row.id } });
}

/** The item the call is about: the temporary item (borrowing) or the lent item (lending). */
function itemOf(request: RequestRow): string | undefined {
  return request.role === 'supplier' ? request.data.lifecycle.itemId : request.data.ncip?.itemId;
}

async function checkInItem(ctx: CallContext): Promise<void> {
  const { deps, request, row } = ctx;
  const itemId = itemOf(request);
  if (itemId === undefined) return skipped(ctx, request.role === 'supplier' ? 'no item barcode was given at ship' : 'the ILS has no temporary item for this request (AcceptItem did not happen)');
  const checkedIn = valueOf(await ctx.client.checkInItem({ itemBarcode: itemId }), 'CheckInItem');
  await note(deps, request, 'CheckInItem', deps.now(), { outcome: checkedIn.alreadyCheckedIn ? 'already done' : 'done', itemId, outboxId: row.id });
}

async function deleteItem(ctx: CallContext): Promise<void> {
  const { deps, request, row } = ctx;
  const itemId = itemOf(request);
  if (itemId === undefined) return skipped(ctx, 'the ILS has no temporary item for this request (AcceptItem did not happen)');
  const result = await ctx.client.deleteItem({ itemBarcode: itemId });
  // A replayed call (the first one's answer was lost) finds the item gone: that is the goal.
  if (!result.ok && result.error.kind === 'refused' && result.error.problems.every((p) => (p.recognized ?? p.type) === 'Unknown Item')) {
    await note(deps, request, 'DeleteItem', deps.now(), { outcome: 'already done', itemId, outboxId: row.id });
    return;
  }
  valueOf(result, 'DeleteItem');
  await note(deps, request, 'DeleteItem', deps.now(), { outcome: 'done', itemId, outboxId: row.id });
}

async function cancelRequestItem(ctx: CallContext): Promise<void> {
  const { deps, request, row } = ctx;
  const hold = request.data.ncip?.requestId;
  const patronId = request.data.patron?.id;
  if (hold === undefined || patronId === undefined) return skipped(ctx, 'the ILS named no hold for this request (AcceptItem did not happen)');
  const result = await ctx.client.cancelRequestItem({ patronId, requestId: hold });
  if (!result.ok && result.error.kind === 'refused' && result.error.problems.every((p) => ['Request Already Processed', 'Unknown Request'].includes(p.recognized ?? p.type))) {
    await note(deps, request, 'CancelRequestItem', deps.now(), { outcome: 'already done', hold, detail: describeProblems(result.error.problems), outboxId: row.id });
    return;
  }
  valueOf(result, 'CancelRequestItem');
  await note(deps, request, 'CancelRequestItem', deps.now(), { outcome: 'done', hold, outboxId: row.id });
}

async function checkOutItem(ctx: CallContext): Promise<void> {
  const { deps, request, row, settings } = ctx;
  const waiting = request.state === 'shipping';
  const done = request.data.ncip?.checkOut;
  if (done !== undefined) {
    // Checked out before, and the answer was saved; only the Loaned step may be missing.
    if (waiting) await decideAndSave(deps, request.id, { role: 'supplier', event: { type: 'ils_checked_out', ...(done.dueDate ? { dueDate: done.dueDate } : {}) } }, ACTOR);
    return alreadyPast(ctx, `item ${done.itemId} is already checked out to ${done.userId}`);
  }
  if (['unfilled', 'cancelled', 'complete'].includes(request.state)) return alreadyPast(ctx, `the request is ${request.state}; nothing to check out`);
  const itemId = request.data.lifecycle.itemId;
  if (itemId === undefined) return skipped(ctx, 'no item barcode was given at ship');
  const userId = borrowerAccountFor(settings, request.requestingAgencyId);
  // Staff's due date is asked for; the ILS's own answer wins (its loan rules may differ).
  const asked = request.data.lifecycle.dueDate;
  const desiredDateDue = asked !== undefined && !Number.isNaN(Date.parse(asked)) ? { desiredDateDue: new Date(asked) } : {};
  const checkedOut = valueOf(await ctx.client.checkOutItem({ patronId: userId, itemBarcode: itemId, requestId: request.requestingAgencyRequestId, ...desiredDateDue }), 'CheckOutItem');
  const dueDate = checkedOut.dateDue?.toISOString();
  const record: RequestNcipData['checkOut'] = { itemId: checkedOut.itemId, userId, ...(dueDate !== undefined ? { dueDate } : {}) };
  await note(deps, request, 'CheckOutItem', deps.now(), { outcome: 'done', ...record, outboxId: row.id });
  const data = (d: RequestData): RequestData => ({ ...d, ncip: { ...d.ncip, checkOut: record } });
  if (!waiting) {
    await learnAbout(deps, request.id, { data });
    return;
  }
  try {
    await decideAndSave(deps, request.id, { role: 'supplier', event: { type: 'ils_checked_out', ...(dueDate !== undefined ? { dueDate } : {}) } }, ACTOR, { data });
  } catch (err) {
    if (!(err instanceof IllegalTransition)) throw err;
    await learnAbout(deps, request.id, { data });
    const now = await getRequest(deps.db, request.id);
    throw new PermanentJobFailure(`NCIP CheckOutItem: item ${itemId} was checked out to ${userId} in the ILS, but the request is now ${now?.state ?? 'gone'}: check the item back in at the ILS`);
  }
}

/** What carries out each call; a new NcipCall does not compile until it has one. */
const CALLS: Readonly<Record<NcipCall, (ctx: CallContext) => Promise<void>>> = {
  LookupUser: lookupUser,
  AcceptItem: acceptItem,
  CheckInItem: checkInItem,
  DeleteItem: deleteItem,
  CancelRequestItem: cancelRequestItem,
  CheckOutItem: checkOutItem,
};

// ---------------------------------------------------------------------------------------------

function clientFor(deps: NcipCirculationDeps, settings: LibraryNcipSettings, requestId: string, outboxId: string): NcipClient {
  return createNcipClient(settings, {
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    now: deps.now,
    onExchange: async (exchange: NcipExchange) => {
      deps.metrics?.ncipCall('out', exchange.service, exchange.outcome);
      await recordMessage(deps.db, {
        id: deps.newId(),
        protocol: 'ncip',
        direction: 'out',
        peer: exchange.url,
        messageType: exchange.service,
        status: exchange.outcome === 'ok' ? 'confirmed' : exchange.outcome === 'refused' ? 'refused' : 'failed',
        requestId,
        outboxId,
        rawXml: exchange.requestXml,
        responseXml: exchange.responseXml ?? null,
        httpStatus: exchange.httpStatus ?? null,
        error: exchange.failure ? describeFailure(exchange.failure) : null,
        parsed: null,
        createdAt: exchange.startedAt,
      });
    },
  });
}

/** The answer, or the right throw: transient -> retry later; refused -> dead, needs attention. */
function valueOf<T>(result: NcipResult<T>, call: NcipCall): T {
  if (result.ok) return result.value;
  const error = result.error;
  if (error.kind === 'transient') throw new TransientNcipFailure(`NCIP ${call}: ${describeFailure(error)}`);
  if (error.kind === 'disabled') throw new PermanentJobFailure(`NCIP ${call} not carried out: NCIP is switched off for this library`);
  throw new PermanentJobFailure(`NCIP ${call} refused by the ILS: ${describeProblems(error.problems)}`);
}

function describeFailure(failure: Exclude<NcipResult<unknown>, { ok: true }>['error']): string {
  switch (failure.kind) {
    case 'refused':
      return describeProblems(failure.problems);
    case 'transient':
      return `${failure.reason}: ${failure.detail}`;
    case 'disabled':
      return 'NCIP is switched off';
  }
}

/** "User Blocked: patron P-1 is blocked (UserId P-1)" for each Problem. */
export function describeProblems(problems: readonly NcipRefusalProblem[]): string {
  if (problems.length === 0) return 'a Problem with no details';
  return problems
    .map((p) => {
      const type = p.type.trim() !== '' ? p.type : (p.recognized ?? 'Problem');
      const detail = p.detail !== undefined && p.detail !== '' ? `: ${p.detail}` : '';
      const where = p.value !== undefined && p.value !== '' ? ` (${p.element ?? 'value'} ${p.value})` : '';
      return `${type}${detail}${where}`;
    })
    .join('; ');
}

async function note(deps: Pick<LifecycleDeps, 'db' | 'changes'>, request: RequestRow, call: NcipCall, at: Date, data: Record<string, unknown>): Promise<void> {
  await appendRemark(deps.db, request, { event: `ncip:${call}`, actor: ACTOR, data, at });
  deps.changes?.changed([request.id]);
}

async function skipped(ctx: CallContext, why: string): Promise<void> {
  const call = (ctx.row.payload as unknown as NcipCallPayload).call;
  await note(ctx.deps, ctx.request, call, ctx.deps.now(), { outcome: 'skipped', why, outboxId: ctx.row.id });
}

async function alreadyPast(ctx: CallContext, why: string): Promise<void> {
  const call = (ctx.row.payload as unknown as NcipCallPayload).call;
  await note(ctx.deps, ctx.request, call, ctx.deps.now(), { outcome: 'not needed', why, outboxId: ctx.row.id });
}

/** Applies a machine event for the ILS's answer, with what the ILS told us, through the pipeline. */
async function decideAndSave(deps: LifecycleDeps, requestId: string, input: AnyEvent, actor: string, learned: Learned = {}): Promise<RequestRow> {
  return (await changeRequest(deps, requestId, { input, actor, learned })).request;
}

