/**
 * Every protocol message in and out, kept raw so staff and partners can see exactly what was said,
 * except for secrets: security codes and NCIP authentication are masked by element before a message
 * is stored, and again when one is read (rows kept before masking existed).
 */
import { and, asc, eq } from 'drizzle-orm';
import { maskParsedSecrets, maskXmlSecrets } from '../../protocols/secrets';
import type { Db } from './db';
import { protocolMessages } from './schema';

export type ProtocolMessageRow = typeof protocolMessages.$inferSelect;
export type NewProtocolMessage = Omit<typeof protocolMessages.$inferInsert, 'createdAt'> & { id: string; createdAt: Date };

function masked<T extends Partial<Pick<ProtocolMessageRow, 'rawXml' | 'responseXml' | 'parsed'>>>(message: T): T {
  return {
    ...message,
    ...(message.rawXml !== undefined ? { rawXml: maskXmlSecrets(message.rawXml) } : {}),
    ...(message.responseXml !== undefined ? { responseXml: maskXmlSecrets(message.responseXml) } : {}),
    ...(message.parsed !== undefined ? { parsed: maskParsedSecrets(message.parsed) } : {}),
  };
}

export async function recordMessage(db: Db, message: NewProtocolMessage): Promise<void> {
  await db.insert(protocolMessages).values(masked(message));
}

export async function listMessagesForRequest(db: Db, requestId: string): Promise<ProtocolMessageRow[]> {
  const rows = await db.select().from(protocolMessages).where(eq(protocolMessages.requestId, requestId)).orderBy(asc(protocolMessages.createdAt));
  return rows.map(masked);
}

export async function listMessagesByPeer(db: Db, protocol: ProtocolMessageRow['protocol'], peer: string): Promise<ProtocolMessageRow[]> {
  const rows = await db
    .select()
    .from(protocolMessages)
    .where(and(eq(protocolMessages.protocol, protocol), eq(protocolMessages.peer, peer)))
    .orderBy(asc(protocolMessages.createdAt));
  return rows.map(masked);
}

/** The first record of an inbound message with this digest (its answer is reused for duplicates). */
export async function findMessageByDedupeKey(db: Db, protocol: ProtocolMessageRow['protocol'], dedupeKey: string): Promise<ProtocolMessageRow | undefined> {
  const [row] = await db
    .select()
    .from(protocolMessages)
    .where(and(eq(protocolMessages.protocol, protocol), eq(protocolMessages.dedupeKey, dedupeKey)));
  return row;
}
