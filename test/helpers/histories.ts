/**
 * Request histories written straight into the store, event by event, as the pipeline writes them
 * (the same event labels, states, actors and effects), at times the test chooses: the statistics
 * tests know every answer, and the benchmark writes a year of them in bulk.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/store/db';

export interface HistoryEvent {
  readonly event: string;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
  readonly at: Date;
}

export interface History {
  readonly id: string;
  readonly libraryId: string;
  readonly role: 'requester' | 'supplier';
  readonly serviceType: 'Loan' | 'Copy';
  readonly format?: string;
  readonly requestingAgencyId: string;
  readonly supplyingAgencyId: string | null;
  readonly rota?: readonly string[];
  readonly events: readonly HistoryEvent[];
}

const HOUR = 3_600_000;
const sendRequest = (rotaIndex: number) => [
  { kind: 'send', message: { kind: 'request', rotaIndex } },
  { kind: 'timer', timer: 'supplier_answer', afterMs: 7 * 24 * HOUR, rotaIndex },
];
const notify = (notice: string) => ({ kind: 'notify', notice });

interface Start {
  readonly libraryId: string;
  /** The library's own symbol. */
  readonly library: string;
  readonly at: Date;
  readonly serviceType?: 'Loan' | 'Copy';
  readonly format?: string;
  readonly id?: string;
}

/**
 * A borrowing request sent to the first of `rota` at `start.at`. Each step takes its time; the
 * rota moves on as the requester machine moves it (Unfilled, no answer in time, staff skipping).
 */
export class Borrowing {
  readonly id: string;
  private readonly events: HistoryEvent[] = [];
  private state = 'new';
  private index = 0;
  private place = 'shipped';

  constructor(
    private readonly start: Start,
    private readonly rota: readonly string[],
  ) {
    this.id = start.id ?? randomUUID();
    this.events.push({ event: 'created', fromState: null, toState: 'new', actor: 'user:desk', data: { effects: [notify('request_received')] }, at: start.at });
    this.push('validate', 'system', 'sent_to_supplier', { effects: sendRequest(0) }, start.at);
  }

  private get supplier(): string {
    return this.rota[this.index]!;
  }

  private push(event: string, actor: string, toState: string, data: Record<string, unknown>, at: Date): this {
    this.events.push({ event, fromState: this.state, toState, actor, data, at });
    this.state = toState;
    return this;
  }

  private sam(status: string, toState: string, at: Date, reason = 'StatusChange', effects: unknown[] = []): this {
    return this.push(`supplier_message:${reason}/${status}`, `partner:${this.supplier}`, toState, effects.length > 0 ? { effects } : {}, at);
  }

  private moveOn(event: string, actor: string, why: string, at: Date): this {
    const name = `${this.supplier} (supplier ${this.index + 1} of ${this.rota.length})`;
    if (this.index + 1 < this.rota.length) {
      this.index += 1;
      return this.push(event, actor, 'sent_to_supplier', { note: `moved to ${this.supplier} (supplier ${this.index + 1} of ${this.rota.length}): ${name} ${why}`, effects: sendRequest(this.index) }, at);
    }
    return this.push(event, actor, 'unfilled', { note: `ended unfilled: rota exhausted: ${name} ${why}`, effects: [notify('unfilled')] }, at);
  }

  /** A status the machine only notes: no answer yet. */
  requestReceived(at: Date): this {
    this.events.push({ event: 'supplier_message:RequestResponse/RequestReceived', fromState: this.state, toState: this.state, actor: `partner:${this.supplier}`, data: {}, at });
    return this;
  }
  expectToSupply(at: Date): this {
    return this.sam('ExpectToSupply', 'expect_to_supply', at, 'RequestResponse');
  }
  willSupply(at: Date): this {
    return this.sam('WillSupply', 'will_supply', at, 'RequestResponse');
  }
  unfilled(reason: string, at: Date): this {
    return this.moveOn('supplier_message:RequestResponse/Unfilled', `partner:${this.supplier}`, `answered Unfilled (${reason})`, at);
  }
  noAnswer(at: Date): this {
    return this.moveOn('supplier_timeout', 'system', 'did not answer within 7 days', at);
  }
  skipped(at: Date): this {
    return this.moveOn('staff:skip_supplier', 'user:desk', 'was skipped by staff', at);
  }
  loaned(at: Date): this {
    return this.sam('Loaned', 'shipped', at, 'StatusChange', [notify('shipped')]);
  }
  copyDelivered(at: Date): this {
    return this.sam('CopyCompleted', 'complete', at, 'StatusChange', [notify('delivered')]);
  }
  received(at: Date): this {
    this.place = 'received';
    return this.push('staff:mark_received', 'user:desk', 'received', { effects: [{ kind: 'send', message: { kind: 'requestingAgencyMessage', action: 'Received' } }] }, at);
  }
  checkedOut(at: Date): this {
    this.place = 'checked_out';
    return this.push('staff:check_out', 'user:desk', 'checked_out', {}, at);
  }
  renew(at: Date): this {
    return this.push('staff:renew', 'user:desk', 'renew_pending', { effects: [{ kind: 'send', message: { kind: 'requestingAgencyMessage', action: 'Renew' } }] }, at);
  }
  renewed(at: Date): this {
    return this.sam('Loaned', this.place, at, 'RenewResponse', [notify('renewed')]);
  }
  renewRefused(at: Date): this {
    return this.sam('Loaned', this.place, at, 'RenewResponse', [notify('renew_refused')]);
  }
  overdue(at: Date): this {
    return this.sam('Overdue', 'overdue', at, 'StatusChange', [notify('overdue')]);
  }
  recalled(at: Date): this {
    return this.sam('Recalled', 'recalled', at, 'StatusChange', [notify('recalled')]);
  }
  returned(at: Date): this {
    return this.push('staff:ship_return', 'user:desk', 'shipped_return', { effects: [{ kind: 'send', message: { kind: 'requestingAgencyMessage', action: 'ShippedReturn' } }] }, at);
  }
  completed(at: Date): this {
    return this.sam('LoanCompleted', 'complete', at);
  }
  cancel(at: Date): this {
    return this.push('staff:cancel', 'user:desk', 'cancel_pending', { effects: [{ kind: 'send', message: { kind: 'requestingAgencyMessage', action: 'Cancel' } }] }, at);
  }
  cancelled(at: Date): this {
    return this.sam('Cancelled', 'cancelled', at, 'CancelResponse', [notify('cancelled')]);
  }

  history(): History {
    return {
      id: this.id,
      libraryId: this.start.libraryId,
      role: 'requester',
      serviceType: this.start.serviceType ?? 'Loan',
      ...(this.start.format ? { format: this.start.format } : {}),
      requestingAgencyId: this.start.library,
      supplyingAgencyId: this.supplier,
      rota: this.rota,
      events: this.events,
    };
  }
}

/** A lending request from `requester`, received at `start.at` and checked at once. */
export class Lending {
  readonly id: string;
  private readonly events: HistoryEvent[] = [];
  private state = 'received';

  constructor(
    private readonly start: Start,
    private readonly requester: string,
  ) {
    this.id = start.id ?? randomUUID();
    this.events.push({ event: 'request_received', fromState: null, toState: 'received', actor: `partner:${requester}`, data: {}, at: start.at });
    this.push('validate', 'system', 'validated', {}, start.at);
  }

  private push(event: string, actor: string, toState: string, data: Record<string, unknown>, at: Date): this {
    this.events.push({ event, fromState: this.state, toState, actor, data, at });
    this.state = toState;
    return this;
  }

  private sam(status: string, extra: Record<string, unknown> = {}) {
    return { effects: [{ kind: 'send', message: { kind: 'supplyingAgencyMessage', reasonForMessage: 'StatusChange', status, ...extra } }] };
  }

  willSupply(at: Date): this {
    return this.push('staff:will_supply', 'user:desk', 'will_supply', this.sam('WillSupply'), at);
  }
  cannotSupply(reason: string, at: Date): this {
    return this.push('staff:cannot_supply', 'user:desk', 'unfilled', this.sam('Unfilled', { reasonUnfilled: reason }), at);
  }
  offerRetry(reason: string, at: Date): this {
    return this.push('staff:offer_retry', 'user:desk', 'retry_offered', this.sam('RetryPossible', { reasonRetry: reason }), at);
  }
  ship(at: Date): this {
    return this.push('staff:ship', 'user:desk', 'shipped', this.sam('Loaned', { delivered: true }), at);
  }
  supplyCopy(at: Date): this {
    return this.push('staff:supply_copy', 'user:desk', 'complete', this.sam('CopyCompleted', { delivered: true }), at);
  }
  renewAsked(at: Date): this {
    return this.push('requester_message:Renew', `partner:${this.requester}`, 'renew_requested', {}, at);
  }
  approveRenewal(at: Date): this {
    return this.push('staff:approve_renewal', 'user:desk', 'shipped', this.sam('Loaned'), at);
  }
  refuseRenewal(at: Date): this {
    return this.push('staff:refuse_renewal', 'user:desk', 'shipped', this.sam('Loaned'), at);
  }
  markOverdue(at: Date): this {
    return this.push('staff:mark_overdue', 'user:desk', 'overdue', this.sam('Overdue'), at);
  }
  recall(at: Date): this {
    return this.push('staff:recall', 'user:desk', 'recalled', this.sam('Recalled'), at);
  }
  returned(at: Date): this {
    return this.push('requester_message:ShippedReturn', `partner:${this.requester}`, 'returned_by_borrower', {}, at);
  }
  checkIn(at: Date): this {
    return this.push('staff:check_in', 'user:desk', 'checked_in', {}, at);
  }
  complete(at: Date): this {
    return this.push('staff:complete', 'user:desk', 'complete', this.sam('LoanCompleted'), at);
  }
  cancelAsked(at: Date): this {
    return this.push('requester_message:Cancel', `partner:${this.requester}`, 'cancel_requested', {}, at);
  }
  acceptCancel(at: Date): this {
    return this.push('staff:accept_cancel', 'user:desk', 'cancelled', this.sam('Cancelled'), at);
  }

  history(): History {
    return {
      id: this.id,
      libraryId: this.start.libraryId,
      role: 'supplier',
      serviceType: this.start.serviceType ?? 'Loan',
      ...(this.start.format ? { format: this.start.format } : {}),
      requestingAgencyId: this.requester,
      supplyingAgencyId: this.start.library,
      events: this.events,
    };
  }
}

/** Writes the histories, a few thousand per statement (requests first, then their events). */
export async function insertHistories(db: Db, histories: readonly History[], batch = 2000): Promise<void> {
  for (let i = 0; i < histories.length; i += batch) {
    const chunk = histories.slice(i, i + batch);
    const requests = chunk.map((h) => {
      const last = h.events[h.events.length - 1]!;
      return {
        id: h.id,
        library_id: h.libraryId,
        role: h.role,
        state: last.toState,
        service_type: h.serviceType,
        requesting_agency_id: h.requestingAgencyId,
        requesting_agency_request_id: `R-${h.id}`,
        supplying_agency_id: h.supplyingAgencyId,
        data: { ...(h.format ? { format: h.format } : {}), lifecycle: { serviceType: h.serviceType, ...(h.rota ? { rota: h.rota.map((symbol) => ({ symbol })), rotaIndex: h.rota.indexOf(h.supplyingAgencyId ?? '') } : {}) } },
        created_at: h.events[0]!.at.toISOString(),
        updated_at: last.at.toISOString(),
      };
    });
    await db.execute(sql`insert into requests (id, library_id, role, state, service_type, requesting_agency_id, requesting_agency_request_id, supplying_agency_id, data, created_at, updated_at)
      select id, library_id, role, state, service_type, requesting_agency_id, requesting_agency_request_id, supplying_agency_id, data, created_at, updated_at
      from jsonb_populate_recordset(null::requests, ${JSON.stringify(requests)}::jsonb)`);
    const events = chunk.flatMap((h) => h.events.map((e) => ({ request_id: h.id, event: e.event, from_state: e.fromState, to_state: e.toState, actor: e.actor, data: e.data, at: e.at.toISOString() })));
    await db.execute(sql`insert into request_events (request_id, event, from_state, to_state, actor, data, at)
      select request_id, event, from_state, to_state, actor, data, at from jsonb_populate_recordset(null::request_events, ${JSON.stringify(events)}::jsonb) with ordinality as x order by x.ordinality`);
  }
}
