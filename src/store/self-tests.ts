/**
 * A peer self-test lives in protocol_messages only: the test request and cancel we send (direction
 * `out`, parsed.selfTest) and the partner's messages about it (direction `in`, parsed.selfTest),
 * never in requests. Any instance can find a test's messages here, whichever one received them.
 */
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from './db';
import { masked, type ProtocolMessageRow } from './messages';
import { protocolMessages } from './schema';

/** What parsed.selfTest holds on every message of a test. */
export interface SelfTestMark {
  /** The test's requestingAgencyRequestId (SELFTEST-…). */
  readonly id: string;
  /** Our library that sent the test. */
  readonly library: string;
}

const markId = sql`(${protocolMessages.parsed}->'selfTest'->>'id')`;

/** What the partner answered to one of the test's messages. */
export async function settleSelfTestMessage(db: Db, id: string, answer: Pick<ProtocolMessageRow, 'status' | 'responseXml' | 'httpStatus' | 'error' | 'parsed' | 'lastAttemptAt'>): Promise<void> {
  await db.update(protocolMessages).set(masked(answer)).where(eq(protocolMessages.id, id));
}

/** The test request we sent to `peer` with this id, if one was sent since `since`. */
export async function findSelfTestRequest(db: Db, peer: string, testId: string, since: Date): Promise<ProtocolMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(protocolMessages)
    .where(and(gte(protocolMessages.createdAt, since), eq(protocolMessages.protocol, 'iso18626'), eq(protocolMessages.direction, 'out'), eq(protocolMessages.peer, peer), eq(protocolMessages.messageType, 'request'), sql`${markId} = ${testId}`))
    .limit(1);
  return row;
}

/** The partner's messages about the test received since `since`, in the order they arrived. */
export async function selfTestArrivals(db: Db, peer: string, testId: string, since: Date): Promise<ProtocolMessageRow[]> {
  const rows = await db
    .select()
    .from(protocolMessages)
    .where(and(gte(protocolMessages.createdAt, since), eq(protocolMessages.protocol, 'iso18626'), eq(protocolMessages.direction, 'in'), eq(protocolMessages.peer, peer), sql`${markId} = ${testId}`))
    .orderBy(asc(protocolMessages.createdAt), asc(protocolMessages.id));
  return rows.map(masked);
}
