/**
 * The queries of erasing patron details (services/privacy/erasure.ts): which requests hold them,
 * and the copies outside the request row (kept protocol messages, mail recipients). Rows are never
 * deleted: statistics count requests and their events, and those stay as they were.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from './db';
import { ofPatron } from './patron-requests';
import { notifications, protocolMessages, requests } from './schema';

/** Request data that holds patron details (the fields erasure.ts removes). */
const HOLDS_PATRON_DETAILS = sql`(${requests.data}->'patron' is not null or ${requests.data}->'note' is not null or ${requests.data}->'lifecycle'->'pendingNote' is not null)`;
const NOT_ERASED = sql`${requests.data}->'patronErased' is null`;

/**
 * Requests of the library in one of the ended states (per role) that ended before `cutoff` and
 * still hold patron details, oldest first. A request ended when it last changed into the state it
 * is in (its audit trail); a row without such an event (written by hand) counts from its last update.
 */
export async function endedRequestsHoldingPatronDetails(db: Db, libraryId: string, ended: Readonly<Record<string, readonly string[]>>, cutoff: Date, limit: number): Promise<string[]> {
  const inEndedState = or(...Object.entries(ended).map(([role, states]) => and(eq(requests.role, role as 'requester'), inArray(requests.state, [...states]))))!;
  const endedAt = sql`coalesce((select max(e.at) from request_events e where e.request_id = ${requests.id} and e.to_state = ${requests.state} and e.from_state is distinct from e.to_state), ${requests.updatedAt})`;
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.libraryId, libraryId), inEndedState, NOT_ERASED, HOLDS_PATRON_DETAILS, sql`${endedAt} < ${cutoff.toISOString()}::timestamptz`))
    .orderBy(asc(requests.updatedAt), asc(requests.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The library's borrowing requests for the patron with this id (in the ILS), oldest first. */
export async function borrowingRequestsOfPatron(db: Db, libraryId: string, patronId: string): Promise<{ id: string; state: string }[]> {
  return db.select({ id: requests.id, state: requests.state }).from(requests).where(ofPatron(libraryId, patronId)).orderBy(asc(requests.createdAt), asc(requests.id));
}

/** Rewrites the request's kept protocol messages with `redact` applied (raw text, answer, parsed). */
export async function redactMessagesOf(db: Db, requestId: string, redact: { xml: (text: string) => string; parsed: (value: unknown) => unknown }): Promise<number> {
  const rows = await db.select({ id: protocolMessages.id, rawXml: protocolMessages.rawXml, responseXml: protocolMessages.responseXml, parsed: protocolMessages.parsed }).from(protocolMessages).where(eq(protocolMessages.requestId, requestId));
  let changed = 0;
  for (const row of rows) {
    const next = { rawXml: redact.xml(row.rawXml), responseXml: row.responseXml === null ? null : redact.xml(row.responseXml), parsed: row.parsed === null ? null : redact.parsed(row.parsed) };
    if (next.rawXml === row.rawXml && next.responseXml === row.responseXml && JSON.stringify(next.parsed) === JSON.stringify(row.parsed)) continue;
    await db.update(protocolMessages).set(next).where(eq(protocolMessages.id, row.id));
    changed++;
  }
  return changed;
}

/** Forgets the address each patron mail of the request went to (the mail's record stays). */
export async function forgetMailRecipients(db: Db, requestId: string): Promise<void> {
  await db.update(notifications).set({ recipient: null }).where(and(eq(notifications.requestId, requestId), sql`${notifications.recipient} is not null`));
}

