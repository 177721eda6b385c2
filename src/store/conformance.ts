/**
 * How partners' inbound ISO 18626 messages deviate from the standard, counted from what
 * protocol_messages keeps: the reader's warnings and unknown elements (parsed.warnings,
 * parsed.unknownElements) and the refusals (status `rejected`, parsed.refusal). A query over
 * stored rows only, so any past window can be counted again. Only jsonb operators PostgreSQL 15
 * and PGlite share.
 *
 * Every partner's window is read through protocol_messages_created_idx; one partner's through
 * protocol_messages_peer_in_idx, (peer, created_at) where direction = 'in' (migration 0008).
 * Measured on PostgreSQL 15 with 500k messages over a year (half inbound, 200 peers): one
 * partner 25-48 ms without it and 4-8 ms with it for 30 days, 240 ms and 33-46 ms for a year;
 * every partner (20k inbound messages in 30 days) 70-190 ms, 1.3 s for a year.
 *
 * Both statements run with JIT off: their row estimates are large enough for PostgreSQL to
 * compile them, which costs ~0.5 s each time, several times what running them takes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';

export interface ConformanceWindow {
  readonly since: Date;
  readonly until: Date;
  /** One partner (canonical symbol), or every peer. */
  readonly peer?: string;
}

export interface PeerTraffic {
  readonly peer: string;
  readonly received: number;
  readonly refused: number;
  /** Messages with at least one deviation of any kind. */
  readonly deviating: number;
}

export type DeviationKind = 'warning' | 'unknown-element' | 'refused';

export interface DeviationCount {
  readonly peer: string;
  readonly kind: DeviationKind;
  /** The warning code, `unknown-element`, or the refusal's errorType as stored (null when none was). */
  readonly code: string | null;
  /** Messages showing it. */
  readonly messages: number;
  /** Times it was seen (a message can show a warning at several paths). */
  readonly occurrences: number;
  readonly latest: { readonly messageId: string; readonly at: Date; readonly path: string | null; readonly detail: string | null; readonly requestId: string | null; readonly httpStatus: number | null };
}

export interface ExampleMessage {
  readonly id: string;
  readonly rawXml: string;
  readonly responseXml: string | null;
}

/** Raw rows of `execute`: node-postgres gives { rows }, PGlite the same; older drivers an array. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? (result as T[]);
}

/** The inbound messages of the window (exported for the test that EXPLAINs it). */
export function inboundWindow(w: ConformanceWindow): SQL {
  const peer = w.peer === undefined ? sql`` : sql` and peer = ${w.peer}`;
  return sql`select id, peer, created_at, status, parsed, error, request_id, http_status
    from protocol_messages
    where protocol = 'iso18626' and direction = 'in' and peer is not null
      and created_at >= ${w.since.toISOString()}::timestamptz and created_at < ${w.until.toISOString()}::timestamptz${peer}`;
}

const arrayAt = (field: string) => sql`(case when jsonb_typeof(m.parsed->${field}) = 'array' then m.parsed->${field} else '[]'::jsonb end)`;

/** One row per deviation seen: each warning, each unknown element, each refusal. */
const DEVIATIONS = sql`
  select m.id, m.peer, m.created_at, m.request_id, m.http_status, 'warning' as kind, w->>'code' as code, w->>'path' as path, w->>'detail' as detail
    from m cross join lateral jsonb_array_elements(${arrayAt('warnings')}) w
  union all
  select m.id, m.peer, m.created_at, m.request_id, m.http_status, 'unknown-element', 'unknown-element', u->>'path', u->>'ns'
    from m cross join lateral jsonb_array_elements(${arrayAt('unknownElements')}) u
  union all
  select m.id, m.peer, m.created_at, m.request_id, m.http_status, 'refused',
         coalesce(m.parsed->'refusal'->>'errorType', nullif(split_part(m.error, ':', 1), '')), m.parsed->'refusal'->>'element', m.error
    from m where m.status = 'rejected'`;

/** Traffic and deviations of the window, read in one transaction. */
export async function conformanceCounts(db: Db, w: ConformanceWindow): Promise<{ traffic: PeerTraffic[]; deviations: DeviationCount[] }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return { traffic: await peerTraffic(tx, w), deviations: await deviationCounts(tx, w) };
  });
}

async function peerTraffic(db: Db, w: ConformanceWindow): Promise<PeerTraffic[]> {
  const result = await db.execute(sql`
    with m as (${inboundWindow(w)}), d as (${DEVIATIONS})
    select m.peer, count(*)::int as received, (count(*) filter (where m.status = 'rejected'))::int as refused,
           (select count(distinct d.id)::int from d where d.peer = m.peer) as deviating
    from m group by m.peer`);
  return rowsOf<{ peer: string; received: number; refused: number; deviating: number }>(result).map((r) => ({ peer: r.peer, received: Number(r.received), refused: Number(r.refused), deviating: Number(r.deviating) }));
}

async function deviationCounts(db: Db, w: ConformanceWindow): Promise<DeviationCount[]> {
  const result = await db.execute(sql`
    with m as (${inboundWindow(w)}), d as (${DEVIATIONS})
    select peer, kind, code, count(distinct id)::int as messages, count(*)::int as occurrences,
           (array_agg(id order by created_at desc, id desc))[1] as latest_id,
           max(created_at) as latest_at,
           (array_agg(path order by created_at desc, id desc))[1] as latest_path,
           (array_agg(detail order by created_at desc, id desc))[1] as latest_detail,
           (array_agg(request_id order by created_at desc, id desc))[1] as latest_request_id,
           (array_agg(http_status order by created_at desc, id desc))[1] as latest_http_status
    from d group by peer, kind, code`);
  type Row = { peer: string; kind: DeviationKind; code: string | null; messages: number; occurrences: number; latest_id: string; latest_at: string | Date; latest_path: string | null; latest_detail: string | null; latest_request_id: string | null; latest_http_status: number | null };
  return rowsOf<Row>(result).map((r) => ({
    peer: r.peer,
    kind: r.kind,
    code: r.code,
    messages: Number(r.messages),
    occurrences: Number(r.occurrences),
    latest: {
      messageId: r.latest_id,
      at: new Date(r.latest_at),
      path: r.latest_path,
      detail: r.latest_detail,
      requestId: r.latest_request_id,
      httpStatus: r.latest_http_status === null ? null : Number(r.latest_http_status),
    },
  }));
}

/** The stored text of example messages, by id (secrets were masked when they were stored). */
export async function exampleMessages(db: Db, ids: readonly string[]): Promise<ExampleMessage[]> {
  if (ids.length === 0) return [];
  const result = await db.execute(sql`select id, raw_xml, response_xml from protocol_messages where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
  return rowsOf<{ id: string; raw_xml: string; response_xml: string | null }>(result).map((r) => ({ id: r.id, rawXml: r.raw_xml, responseXml: r.response_xml }));
}
