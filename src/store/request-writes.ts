/**
 * A state change as one SQL statement: the request row (inserted, or updated under its
 * optimistic lock), its audit events, its outbox rows and, for a partner's message, the message
 * with our answer. Data-modifying CTEs make it atomic without BEGIN/COMMIT, and each part is
 * written only from the rows the part before it wrote, so it is all or nothing:
 *
 * - the request is written only if its version is still the one the decision was made on, and
 *   only if no message with the same dedupe key was recorded (a second delivery changes nothing);
 * - events and outbox rows only with the request (or, for a remark, with the message);
 * - the message only with the request, so a recorded answer always matches what was saved.
 *
 * A guarded write (WriteGuard, a limit checked against what is stored) is the one exception: its
 * check and the statement share a transaction under a lock, since one statement's snapshot cannot
 * see a racing writer's row.
 *
 * A new request from a partner is then one round trip; two deliveries of one message racing each
 * other are settled by the unique indexes (dedupe key, request keys), not by a read beforehand:
 * the loser writes nothing and is told so, and the caller answers from the winner's record.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './db';
import type { NewRequestEvent } from './events';
import { masked, type NewProtocolMessage } from './messages';
import type { OutboxEffect } from './outbox';
import type { RequestChanges, NewRequestRow } from './requests';
import { outbox, protocolMessages, requestEvents, requests } from './schema';

export type EventEntry = Omit<NewRequestEvent, 'requestId'>;

export type RequestWrite =
  /** A new request (from a partner, staff or a discovery layer), in its first state. */
  | { readonly kind: 'insert'; readonly row: NewRequestRow; readonly at: Date }
  /** A change of an existing request, made on `expectedVersion`. */
  | { readonly kind: 'update'; readonly id: string; readonly expectedVersion: number; readonly changes: RequestChanges; readonly at: Date }
  /** Nothing about the request changes (a repeated status, a note): audit only, same version. */
  | { readonly kind: 'remark'; readonly id: string };

export interface StateWrite {
  readonly request?: RequestWrite;
  readonly events?: readonly EventEntry[];
  readonly outbox?: readonly OutboxEffect[];
  /** An inbound message and our answer, with a dedupe key: recorded with the change, or alone. */
  readonly message?: NewProtocolMessage;
  /**
   * Another request the change links to (a Retry's previous request): top-level data keys set on
   * it and audit events, written only with the request. Its version moves on, so a writer that
   * read it before loses its optimistic lock instead of writing the link away.
   */
  readonly linked?: { readonly id: string; readonly data: Record<string, unknown>; readonly events: readonly EventEntry[]; readonly at: Date };
  /** A check that must still hold when the write is made (a patron's limits): see WriteGuard. */
  readonly guard?: WriteGuard;
}

/**
 * A condition on what is already stored, checked in the write's own transaction under a lock on
 * `key` (a transaction-scoped advisory lock): writes with the same key check and write one after
 * another, so each check sees what the one before it wrote, and two at once cannot both pass a
 * limit the first of them reaches. `check` throws to stop the write; nothing is written then.
 */
export interface WriteGuard {
  readonly key: string;
  readonly check: (tx: Db) => Promise<void>;
}

/**
 * What a write did: nothing (false), or it wrote; an inserted request comes back with the number
 * the database gave it as it was stored (requests.number, its library's count), else null.
 */
export type Written = false | { readonly number: number | null };

/**
 * Writes it all, or nothing. False when nothing was written: the version moved on, the request's
 * key is taken, or the message's dedupe key was recorded first (the caller finds out which).
 */
export async function writeState(db: Db, write: StateWrite, newId: () => string): Promise<Written> {
  const { guard } = write;
  if (!guard) return writeStatement(db, write, newId);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${guard.key}, 0))`);
    await guard.check(tx);
    return writeStatement(tx, write, newId);
  });
}

async function writeStatement(db: Db, write: StateWrite, newId: () => string): Promise<Written> {
  const parts: SQL[] = [];
  const target = write.request;
  const dedupe = write.message?.dedupeKey ? write.message : undefined;
  const unseen = dedupe
    ? sql`not exists (select 1 from protocol_messages where protocol = ${dedupe.protocol} and dedupe_key = ${dedupe.dedupeKey})`
    : sql`true`;
  // `w` is the written request's id, the anchor every other part hangs on.
  if (target?.kind === 'insert') {
    const row = { ...target.row, data: target.row.data ?? {}, version: 1, needsAttention: target.row.needsAttention ?? false, createdAt: target.at, updatedAt: target.at };
    parts.push(sql`w as (insert into requests select * from jsonb_populate_record(null::requests, ${json(columnsOf(requests, row))}::jsonb) where ${unseen} on conflict do nothing returning id, number)`);
  } else if (target?.kind === 'update') {
    parts.push(sql`w as (update requests set ${assignments(target.changes, target.at)} where id = ${target.id} and version = ${target.expectedVersion} and ${unseen} returning id)`);
  } else {
    // A remark (or a message alone): hangs on the message when there is one, so a second delivery adds no event.
    const id = target?.id ?? write.message?.requestId ?? null;
    if (write.message) parts.push(messagePart(write.message, unseen));
    parts.push(write.message ? sql`w as (select ${id}::uuid as id from m)` : sql`w as (select ${id}::uuid as id)`);
  }
  if (write.events?.length) {
    const rows = write.events.map((e) => columnsOf(requestEvents, { ...e, requestId: null, data: e.data ?? {} }));
    parts.push(sql`e as (insert into request_events (request_id, event, from_state, to_state, actor, data, at)
      select w.id, x.event, x.from_state, x.to_state, x.actor, x.data, x.at from w, jsonb_populate_recordset(null::request_events, ${json(rows)}::jsonb) with ordinality as x
      order by x.ordinality)`);
  }
  if (write.outbox?.length) {
    // Commit order is the outbox's `seq`: the rows are numbered in the order the decision gave them.
    const rows = write.outbox.map((o) => columnsOf(outbox, { id: newId(), queue: o.queue, jobName: o.jobName, payload: o.payload ?? {}, notBefore: o.notBefore ?? null }));
    parts.push(sql`o as (insert into outbox (id, queue, job_name, payload, request_id, not_before)
      select x.id, x.queue, x.job_name, x.payload, w.id, x.not_before from w, jsonb_populate_recordset(null::outbox, ${json(rows)}::jsonb) with ordinality as x
      order by x.ordinality)`);
  }
  if (write.message && target && target.kind !== 'remark') parts.push(messagePart(write.message, sql`exists (select 1 from w)`));
  if (write.linked) {
    const { id, data, events, at } = write.linked;
    parts.push(sql`l as (update requests set data = data || ${json(data)}::jsonb, version = version + 1, updated_at = ${at.toISOString()}::timestamptz where id = ${id} and exists (select 1 from w) returning id)`);
    if (events.length > 0) {
      const rows = events.map((e) => columnsOf(requestEvents, { ...e, requestId: null, data: e.data ?? {} }));
      parts.push(sql`le as (insert into request_events (request_id, event, from_state, to_state, actor, data, at)
        select l.id, x.event, x.from_state, x.to_state, x.actor, x.data, x.at from l, jsonb_populate_recordset(null::request_events, ${json(rows)}::jsonb) with ordinality as x
        order by x.ordinality)`);
    }
  }
  const number = target?.kind === 'insert' ? sql`(select number from w)` : sql`null::int`;
  type Row = { written: number; number: number | null };
  const result = await db.execute<Row>(sql`with ${sql.join(parts, sql`, `)} select (select count(*) from w)::int as written, ${number} as number`);
  const [row] = (result as unknown as { rows?: Row[] }).rows ?? (result as unknown as Row[]);
  return Number(row?.written ?? 0) > 0 && { number: row?.number === null || row?.number === undefined ? null : Number(row.number) };
}

function messagePart(message: NewProtocolMessage, condition: SQL): SQL {
  const row = columnsOf(protocolMessages, { attempts: 1, ...masked(message) });
  return sql`m as (insert into protocol_messages select * from jsonb_populate_record(null::protocol_messages, ${json(row)}::jsonb) where ${condition} on conflict do nothing returning id)`;
}

function assignments(changes: RequestChanges, at: Date): SQL {
  const set: SQL[] = [sql`version = version + 1`, sql`updated_at = ${at.toISOString()}::timestamptz`];
  if (changes.state !== undefined) set.push(sql`state = ${changes.state}`);
  if (changes.data !== undefined) set.push(sql`data = ${json(changes.data)}::jsonb`);
  if (changes.needsAttention !== undefined) set.push(sql`needs_attention = ${changes.needsAttention}`);
  if (changes.supplyingAgencyId !== undefined) set.push(sql`supplying_agency_id = ${changes.supplyingAgencyId}`);
  if (changes.supplyingAgencyRequestId !== undefined) set.push(sql`supplying_agency_request_id = ${changes.supplyingAgencyRequestId}`);
  if (changes.requestingAgencyRequestId !== undefined) set.push(sql`requesting_agency_request_id = ${changes.requestingAgencyRequestId}`);
  if (changes.serviceType !== undefined) set.push(sql`service_type = ${changes.serviceType}`);
  return sql.join(set, sql`, `);
}

/** Each table's [property, column name] pairs, read once from the schema. */
const columnNames = new Map<PgTable, readonly (readonly [string, string])[]>();

/** A row keyed by column name, as jsonb_populate_record reads it; absent columns are null. */
function columnsOf(table: PgTable, values: Record<string, unknown>): Record<string, unknown> {
  let names = columnNames.get(table);
  if (!names) columnNames.set(table, (names = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name] as const)));
  const row: Record<string, unknown> = {};
  for (const [key, name] of names) {
    const value = values[key];
    if (value !== undefined) row[name] = value instanceof Date ? value.toISOString() : value;
  }
  return row;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}
