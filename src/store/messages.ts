/** Every protocol message in and out, kept raw so staff and partners can see exactly what was said. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { protocolMessages } from './schema';

export type ProtocolMessageRow = typeof protocolMessages.$inferSelect;
export type NewProtocolMessage = Omit<typeof protocolMessages.$inferInsert, 'createdAt'> & { id: string; createdAt: Date };

export async function recordMessage(db: Db, message: NewProtocolMessage): Promise<void> {
  await db.insert(protocolMessages).values(message);
}

export async function listMessagesForRequest(db: Db, requestId: string): Promise<ProtocolMessageRow[]> {
  return db.select().from(protocolMessages).where(eq(protocolMessages.requestId, requestId)).orderBy(asc(protocolMessages.createdAt));
}

export async function listMessagesByPeer(db: Db, protocol: ProtocolMessageRow['protocol'], peer: string): Promise<ProtocolMessageRow[]> {
  return db
    .select()
    .from(protocolMessages)
    .where(and(eq(protocolMessages.protocol, protocol), eq(protocolMessages.peer, peer)))
    .orderBy(asc(protocolMessages.createdAt));
}

/** The first record of an inbound message with this digest (its answer is reused for duplicates). */
export async function findMessageByDedupeKey(db: Db, protocol: ProtocolMessageRow['protocol'], dedupeKey: string): Promise<ProtocolMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(protocolMessages)
    .where(and(eq(protocolMessages.protocol, protocol), eq(protocolMessages.dedupeKey, dedupeKey)));
  return row;
}
