/**
 * The statistics' queries: the audit events of one side's requests reduced, in one statement, to
 * the figures of a period. Every figure comes from `request_events` (plus the request's service
 * type, format, partner and rota), so any past period can be computed again.
 *
 * One pass over the events gives each request its milestones (first event, first answer, first
 * shipped, received, returned, end) and the period's renewals, overdues, recalls and unfilled
 * reasons; the supplier attempts of a borrowing request come from the same pass (the events that
 * sent it to a rota position, and the answers between them). Percentiles are percentile_cont.
 */
import { sql, type SQL } from 'drizzle-orm';
import { REQUEST_ROLE, SIDES, type StatisticsRole } from '../statistics/definitions';
import type { AttemptOutcome, SupplierAttempt } from '../statistics/partner-performance';
import type { Period } from '../statistics/period';
import type { Db } from './db';

export interface StatisticsScope {
  /** null: every library's requests. */
  readonly libraryId: string | null;
}

const list = (values: readonly string[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);
const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** The event sends the request to a rota position (the first send, moving on, a Retry). */
const SENDS_REQUEST = sql`(e.to_state = 'sent_to_supplier' and e.data @> '{"effects":[{"kind":"send","message":{"kind":"request"}}]}')`;
const SENT_INDEX = sql`(jsonb_path_query_first(e.data, '$.effects[*] ? (@.kind == "send" && @.message.kind == "request").message.rotaIndex')::text::int)`;
/** A change the event made: a remark (a repeated status, a late message of an earlier supplier) has none. */
const CHANGES = sql`(e.from_state is distinct from e.to_state or e.data ? 'effects')`;

/** The side's first answer: borrowing, the supplier's first message that changed anything (a bare RequestReceived does not); lending, the first step out of received/validated. */
function answered(role: StatisticsRole): SQL {
  return role === 'borrowing'
    ? sql`(e.event like 'supplier_message:%' and e.event not like '%/-' and e.event not like '%/RequestReceived' and ${CHANGES})`
    : sql`(e.from_state in ('received', 'validated') and e.to_state not in ('received', 'validated', 'cancel_requested'))`;
}

/** Filled: a loan shipped, or a copy delivered. */
function shipped(role: StatisticsRole): SQL {
  return role === 'borrowing' ? sql`(e.to_state = 'shipped' or (e.to_state = 'complete' and e.event like 'supplier_message:%/CopyCompleted'))` : sql`(e.to_state = 'shipped' or e.event = 'staff:supply_copy')`;
}

/** Why an attempt or a request ended unfilled (in the period). */
function unfilledReason(role: StatisticsRole): { readonly when: SQL; readonly reason: SQL } {
  if (role === 'borrowing') {
    const movedOn = sql`(${SENDS_REQUEST} and e.event in ('supplier_timeout', 'request_refused', 'staff:skip_supplier', 'staff:reroute', 'staff:decline_retry', 'retry_expired') or (${SENDS_REQUEST} and e.event like 'supplier_message:%/Unfilled'))`;
    return {
      when: sql`(${movedOn} or (e.to_state = 'unfilled' and e.from_state is distinct from 'unfilled'))`,
      reason: sql`coalesce(substring(e.data->>'note' from 'answered Unfilled \\(([^)]*)\\)'), case
        when e.event like 'supplier_message:%/Unfilled' then 'Unfilled (no reason given)'
        when e.event = 'supplier_timeout' then 'no answer in time'
        when e.event = 'request_refused' then 'refused the request'
        when e.event = 'staff:skip_supplier' then 'skipped by staff'
        when e.event = 'staff:reroute' then 'withdrawn by re-routing'
        when e.event in ('staff:decline_retry', 'retry_expired') then 'retry offer not taken up'
        else e.event end)`,
    };
  }
  return {
    when: sql`(e.to_state in ('unfilled', 'retry_offered') and e.from_state is distinct from e.to_state)`,
    reason: sql`case
      when e.to_state = 'retry_offered' then 'RetryPossible (' || coalesce(jsonb_path_query_first(e.data, '$.effects[*] ? (@.kind == "send").message.reasonRetry') #>> '{}', 'no reason given') || ')'
      when e.event = 'validation_failed' then 'failed the check'
      else coalesce(jsonb_path_query_first(e.data, '$.effects[*] ? (@.kind == "send").message.reasonUnfilled') #>> '{}', 'Unfilled (no reason given)') end`,
  };
}

/** Renewals asked, granted and refused, as each side's events say. */
function renewals(role: StatisticsRole): { readonly asked: SQL; readonly granted: SQL; readonly refused: SQL } {
  if (role === 'borrowing') {
    return {
      asked: sql`(e.to_state = 'renew_pending' and e.from_state is distinct from 'renew_pending')`,
      granted: sql`(e.from_state = 'renew_pending' and e.data @> '{"effects":[{"kind":"notify","notice":"renewed"}]}')`,
      refused: sql`(e.from_state = 'renew_pending' and e.data @> '{"effects":[{"kind":"notify","notice":"renew_refused"}]}')`,
    };
  }
  return {
    asked: sql`(e.to_state = 'renew_requested' and e.from_state is distinct from 'renew_requested')`,
    granted: sql`(e.event = 'staff:approve_renewal')`,
    refused: sql`(e.event = 'staff:refuse_renewal')`,
  };
}

/** Per request: its milestones, and the period's counts of its events. */
function milestones(role: StatisticsRole, scope: StatisticsScope, period: Period): SQL {
  const side = SIDES[role];
  const inPeriod = sql`(e.at >= ${at(period.from)} and e.at < ${at(period.to)})`;
  const library = scope.libraryId === null ? sql`` : sql` and r.library_id = ${scope.libraryId}::uuid`;
  const reason = unfilledReason(role);
  const renew = renewals(role);
  const terminal = [...side.unfilled, ...side.cancelled, 'complete'];
  const entered = (states: readonly string[]) => sql`(e.to_state in (${list(states)}) and e.from_state is distinct from e.to_state)`;
  // Each event is classified once (its data read once), then aggregated by the plain columns.
  const classified = sql`
    select e.id, e.at, e.to_state,
           ${answered(role)} as answer,
           ${shipped(role)} as fill,
           ${entered(['received'])} as received,
           ${entered(side.returned)} as returned,
           ${entered(terminal)} as ended,
           ${role === 'borrowing' ? sql`case when e.to_state = 'sent_to_supplier' then ${SENT_INDEX} end` : sql`null::int`} as sent_index,
           case when ${inPeriod} and ${reason.when} then ${reason.reason} end as reason,
           case when not ${inPeriod} then null when ${renew.asked} then 'asked' when ${renew.granted} then 'granted' when ${renew.refused} then 'refused' end as renewal,
           ${inPeriod} and ${entered(['overdue'])} as overdue,
           ${inPeriod} and ${entered(['recalled'])} as recall
    -- No order is needed: the arrays are only searched (min, and ids compared), never read in order.
    from request_events e where e.request_id = r.id
    -- A fence: pulled up into the aggregate, each column's expression would run once per aggregate using it.
    offset 0`;
  return sql`
    select r.id as request_id, r.service_type, coalesce(nullif(r.data->>'format', ''), 'unknown') as format, r.requesting_agency_id as requester,
           r.data->'lifecycle'->'rota' as rota, x.*
    from requests r
    cross join lateral (
      select min(k.at) as created_at,
             min(k.at) filter (where k.answer) as answered_at,
             min(k.id) filter (where k.fill) as filled_id,
             min(k.at) filter (where k.fill) as filled_at,
             min(k.at) filter (where k.received) as received_at,
             min(k.at) filter (where k.returned) as returned_at,
             min(k.at) filter (where k.ended) as ended_at,
             -- A request enters one end state only (from there only a re-request, which leaves it as it is).
             max(k.to_state) filter (where k.ended) as end_state,
             (count(*) filter (where k.renewal = 'asked'))::int as renewals_asked,
             (count(*) filter (where k.renewal = 'granted'))::int as renewals_granted,
             (count(*) filter (where k.renewal = 'refused'))::int as renewals_refused,
             (count(*) filter (where k.overdue))::int as overdues,
             (count(*) filter (where k.recall))::int as recalls,
             array_agg(k.reason) filter (where k.reason is not null) as reasons,
             array_agg(k.id) filter (where k.sent_index is not null) as start_ids,
             array_agg(k.sent_index) filter (where k.sent_index is not null) as start_idx,
             array_agg(k.at) filter (where k.sent_index is not null) as start_at,
             array_agg(k.id) filter (where k.answer) as answer_ids,
             array_agg(k.at) filter (where k.answer) as answer_at
      from (${classified}) k
    ) x
    where r.role = ${REQUEST_ROLE[role]}${library}
      -- A request first seen after the period, or last changed before it, has no event in it.
      and r.created_at < ${at(period.to)} and r.updated_at >= ${at(period.from)}`;
}

/** Borrowing: one row per (request, rota position) the request was sent to. */
function attempts(role: StatisticsRole): SQL {
  const side = SIDES[role];
  // Per request, from its own arrays: no sort or window over all the attempts.
  return sql`
    a0 as (
      select m.request_id, coalesce(m.rota->t.idx->>'symbol', 'unknown') as supplier, t.started_at,
             (select min(x.at) from unnest(m.answer_ids, m.answer_at) as x(id, at) where x.id > t.start_id and (n.next_id is null or x.id <= n.next_id)) as answered_at,
             case when m.filled_id > t.start_id and (n.next_id is null or m.filled_id < n.next_id) then m.filled_at end as shipped_at,
             n.next_at, m.end_state, m.ended_at
      from m
      -- A rota position's turn starts with its first send (a Retry to it continues the turn) ...
      cross join lateral (select s.idx, min(s.id) as start_id, min(s.at) as started_at from unnest(m.start_ids, m.start_idx, m.start_at) as s(id, idx, at) group by s.idx) t
      -- ... and ends when the request is sent to another position.
      cross join lateral (select min(s.id) as next_id, min(s.at) as next_at from unnest(m.start_ids, m.start_idx, m.start_at) as s(id, idx, at) where s.id > t.start_id and s.idx <> t.idx) n
    ),
    a as materialized (
      select request_id, supplier, started_at, answered_at, shipped_at,
             case when shipped_at is not null then 'filled'
                  when next_at is not null or end_state in (${list(side.unfilled)}) then 'unfilled'
                  when end_state in (${list(side.cancelled)}) then 'cancelled'
                  else 'open' end as outcome,
             case when shipped_at is not null then shipped_at when next_at is not null then next_at else ended_at end as ended_at
      from a0
    )`;
}

const seconds = (from: string, to: string): SQL => sql.raw(`extract(epoch from (${to} - ${from}))`);

/** count, p50, p90 of `to - from` over the rows whose `to` falls in the period. */
function spread(from: string, to: string, period: Period): SQL {
  const when = sql`${sql.raw(to)} >= ${at(period.from)} and ${sql.raw(to)} < ${at(period.to)} and ${sql.raw(from)} is not null`;
  return sql`json_build_object('count', count(*) filter (where ${when}),
    'p50', percentile_cont(0.5) within group (order by ${seconds(from, to)}) filter (where ${when}),
    'p90', percentile_cont(0.9) within group (order by ${seconds(from, to)}) filter (where ${when}))`;
}

export interface RawFigures {
  readonly volumes: readonly { serviceType: string; format: string; created: number; filled: number; unfilled: number; cancelled: number }[];
  readonly turnaround: Readonly<Record<string, { count: number; p50: number | null; p90: number | null }>>;
  readonly partners: readonly Record<string, unknown>[];
  readonly circulation: { renewalsAsked: number; renewalsGranted: number; renewalsRefused: number; overdues: number; recalls: number };
  readonly unfilledReasons: readonly { reason: string; count: number }[];
  readonly months: readonly { month: string; created: number; filled: number; unfilled: number; cancelled: number; shipP50: number | null }[];
}

/** The intervals of each side: name -> [start column, end column] of the milestones. */
export const INTERVALS: Record<StatisticsRole, Readonly<Record<string, readonly [string, string]>>> = {
  borrowing: {
    requestToAnswer: ['created_at', 'answered_at'],
    requestToShipped: ['created_at', 'filled_at'],
    shippedToReceived: ['filled_at', 'received_at'],
    requestToReceived: ['created_at', 'received_at'],
    loanLength: ['filled_at', 'returned_at'],
  },
  lending: {
    requestToAnswer: ['created_at', 'answered_at'],
    receivedToShipped: ['created_at', 'filled_at'],
    loanLength: ['filled_at', 'returned_at'],
  },
};

/** Every figure of one side for a period, in one statement. */
export async function sideFigures(db: Db, role: StatisticsRole, scope: StatisticsScope, period: Period): Promise<RawFigures> {
  const query = sideFiguresQuery(role, scope, period);
  return db.transaction(async (tx) => {
    // The plan is simple and the statement short-lived: compiling it would cost more than it saves.
    await tx.execute(sql`set local jit = off`);
    const result = await tx.execute(query);
    const row = rowsOf<{ figures: RawFigures | string }>(result)[0]!;
    return typeof row.figures === 'string' ? (JSON.parse(row.figures) as RawFigures) : row.figures;
  });
}

/** The statement of `sideFigures`. */
function sideFiguresQuery(role: StatisticsRole, scope: StatisticsScope, period: Period): SQL {
  const side = SIDES[role];
  const during = (column: string) => sql`(${sql.raw(column)} >= ${at(period.from)} and ${sql.raw(column)} < ${at(period.to)})`;
  const unfilled = sql`(filled_at is null and end_state in (${list(side.unfilled)}) and ${during('ended_at')})`;
  const cancelled = sql`(filled_at is null and end_state in (${list(side.cancelled)}) and ${during('ended_at')})`;
  const counts = sql`(count(*) filter (where ${during('created_at')}))::int as created, (count(*) filter (where ${during('filled_at')}))::int as filled,
    (count(*) filter (where ${unfilled}))::int as unfilled, (count(*) filter (where ${cancelled}))::int as cancelled`;
  const intervals = Object.entries(INTERVALS[role]).map(([name, [from, to]]) => sql`${name}::text, ${spread(from, to, period)}`);
  const partners =
    role === 'borrowing'
      ? sql`select supplier as partner, (count(*) filter (where ${during('started_at')}))::int as asked,
            (count(*) filter (where outcome = 'filled' and ${during('ended_at')}))::int as filled,
            (count(*) filter (where outcome = 'unfilled' and ${during('ended_at')}))::int as unfilled,
            (count(*) filter (where outcome = 'open'))::int as open,
            ${spread('started_at', 'answered_at', period)} as "answerSeconds", ${spread('started_at', 'shipped_at', period)} as "shipSeconds"
          from a group by supplier`
      : sql`select requester as partner, (count(*) filter (where ${during('created_at')}))::int as asked,
            (count(*) filter (where ${during('filled_at')}))::int as filled, (count(*) filter (where ${unfilled}))::int as unfilled,
            (count(*) filter (where filled_at is null and ended_at is null))::int as open,
            ${spread('created_at', 'answered_at', period)} as "answerSeconds", ${spread('created_at', 'filled_at', period)} as "shipSeconds"
          from m group by requester`;
  const month = (column: string) => sql.raw(`to_char(date_trunc('month', ${column} at time zone 'UTC'), 'YYYY-MM-DD')`);
  return sql`
    with m as materialized (${milestones(role, scope, period)}),
    ${role === 'borrowing' ? attempts(role) : sql`a as (select 1)`},
    marks as (
      select ${month('created_at')} as month, 1 as created, 0 as filled, 0 as unfilled, 0 as cancelled, null::float8 as ship from m where ${during('created_at')}
      union all select ${month('filled_at')}, 0, 1, 0, 0, ${seconds('created_at', 'filled_at')} from m where ${during('filled_at')}
      union all select ${month('ended_at')}, 0, 0, 1, 0, null from m where ${unfilled}
      union all select ${month('ended_at')}, 0, 0, 0, 1, null from m where ${cancelled}
    )
    select json_build_object(
      'volumes', (select coalesce(json_agg(v order by v."serviceType", v.format), '[]'::json) from (
        select service_type as "serviceType", format, ${counts} from m group by service_type, format) v
        where v.created + v.filled + v.unfilled + v.cancelled > 0),
      'turnaround', (select json_build_object(${sql.join(intervals, sql`, `)}) from m),
      'partners', (select coalesce(json_agg(p order by p.partner), '[]'::json) from (${partners}) p
        where p.asked + p.filled + p.unfilled + p.open > 0 or (p."answerSeconds"->>'count')::int > 0),
      'circulation', (select json_build_object('renewalsAsked', coalesce(sum(renewals_asked), 0), 'renewalsGranted', coalesce(sum(renewals_granted), 0),
        'renewalsRefused', coalesce(sum(renewals_refused), 0), 'overdues', coalesce(sum(overdues), 0), 'recalls', coalesce(sum(recalls), 0)) from m),
      'unfilledReasons', (select coalesce(json_agg(u order by u.count desc, u.reason), '[]'::json) from (
        select reason, count(*)::int as count from m cross join lateral unnest(m.reasons) as reason group by reason) u),
      'months', (select coalesce(json_agg(x order by x.month), '[]'::json) from (
        select month, sum(created)::int as created, sum(filled)::int as filled, sum(unfilled)::int as unfilled, sum(cancelled)::int as cancelled,
               percentile_cont(0.5) within group (order by ship) as "shipP50"
        from marks group by month) x)
    ) as figures`;
}

/**
 * How many requests each partner filled in the period, and nothing else: the other side of the
 * reciprocity table, without that side's whole report. The partner of a borrowing request is the
 * rota position it was last sent to before it was filled (as an attempt's), of a lending request
 * the requesting library.
 */
export async function partnerFills(db: Db, role: StatisticsRole, scope: StatisticsScope, period: Period): Promise<{ partner: string; filled: number }[]> {
  const library = scope.libraryId === null ? sql`` : sql` and r.library_id = ${scope.libraryId}::uuid`;
  const partner =
    role === 'borrowing'
      ? sql`coalesce(r.data->'lifecycle'->'rota'->(select ${SENT_INDEX} from request_events e where e.request_id = r.id and e.id < f.id and ${SENDS_REQUEST} order by e.id desc limit 1)->>'symbol', 'unknown')`
      : sql`r.requesting_agency_id`;
  const result = await db.execute(sql`
    select partner, count(*)::int as filled from (
      select ${partner} as partner
      from requests r
      cross join lateral (select e.id, e.at from request_events e where e.request_id = r.id and ${shipped(role)} order by e.id limit 1) f
      where r.role = ${REQUEST_ROLE[role]}${library} and r.created_at < ${at(period.to)} and r.updated_at >= ${at(period.from)}
        and f.at >= ${at(period.from)} and f.at < ${at(period.to)}
    ) p group by partner order by partner`);
  return rowsOf<{ partner: string; filled: number }>(result).map((r) => ({ partner: r.partner, filled: Number(r.filled) }));
}

/** A borrowing library's supplier attempts touching the window (for `partnerPerformance`). */
export async function supplierAttempts(db: Db, scope: StatisticsScope, window: Period): Promise<SupplierAttempt[]> {
  const result = await db.execute(sql`
    with m as materialized (${milestones('borrowing', scope, window)}), ${attempts('borrowing')}
    select request_id, supplier, started_at, answered_at, shipped_at, outcome, ended_at from a order by request_id, started_at`);
  type Row = { request_id: string; supplier: string; started_at: string | Date; answered_at: string | Date | null; shipped_at: string | Date | null; outcome: AttemptOutcome; ended_at: string | Date | null };
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return rowsOf<Row>(result).map((r) => ({
    requestId: r.request_id,
    supplier: r.supplier,
    startedAt: new Date(r.started_at),
    answeredAt: date(r.answered_at),
    shippedAt: date(r.shipped_at),
    outcome: r.outcome,
    endedAt: date(r.ended_at),
  }));
}

/** Raw rows of `execute`: node-postgres gives { rows }, PGlite the same. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? (result as T[]);
}
