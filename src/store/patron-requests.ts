/**
 * The queries of the patron's page: one patron's borrowing requests at one library (the patron id
 * is the ILS's, as `data.patron.id` holds it), how many are open and how many were placed lately
 * (the library's limits), and when each was shipped.
 */
import { and, asc, desc, eq, gt, gte, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { endedStates } from '../domain/state-models';
import type { Db } from './db';
import { decodeRequest, type RequestRow } from './requests';
import { requestEvents, requests } from './schema';

const ENDED_STATES = endedStates('requester');

/** The library's borrowing requests for the patron with this id (the erasure of one patron uses it too). */
export function ofPatron(libraryId: string, patronId: string): SQL {
  return and(eq(requests.libraryId, libraryId), eq(requests.role, 'requester'), sql`${requests.data}->'patron'->>'id' = ${patronId}`)!;
}

/** Open requests, and ended ones last changed since `endedSince`; newest first, at most `limit`. */
export async function listRequestsOfPatron(db: Db, libraryId: string, patronId: string, endedSince: Date, limit: number): Promise<RequestRow[]> {
  const rows = await db
    .select()
    .from(requests)
    .where(and(ofPatron(libraryId, patronId), or(notInArray(requests.state, ENDED_STATES), gte(requests.updatedAt, endedSince))))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(limit);
  return rows.map(decodeRequest);
}

export async function countOpenRequestsOfPatron(db: Db, libraryId: string, patronId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(requests)
    .where(and(ofPatron(libraryId, patronId), notInArray(requests.state, ENDED_STATES)));
  return Number(row?.n ?? 0);
}

/** When the patron's requests placed after `since` were made, oldest first. */
export async function requestTimesOfPatron(db: Db, libraryId: string, patronId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .select({ at: requests.createdAt })
    .from(requests)
    .where(and(ofPatron(libraryId, patronId), gt(requests.createdAt, since)))
    .orderBy(asc(requests.createdAt));
  return rows.map((r) => r.at);
}

/** When each request first reached `shipped` (the lender's Loaned), by request id. */
export async function shippedTimes(db: Db, requestIds: readonly string[]): Promise<Map<string, Date>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db
    .select({ requestId: requestEvents.requestId, at: sql<Date>`min(${requestEvents.at})` })
    .from(requestEvents)
    .where(and(inArray(requestEvents.requestId, [...requestIds]), eq(requestEvents.toState, 'shipped'), sql`${requestEvents.fromState} is distinct from 'shipped'`))
    .groupBy(requestEvents.requestId);
  return new Map(rows.map((r) => [r.requestId, new Date(r.at)]));
}
