/** Every protocol message in and out, kept raw so staff and partners can see exactly what was said. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { protocolMessages } from './schema';

export type ProtocolMessageRow = typeof protocolMessages.$inferSelect;
export type NewProtocolMessage = Omit<typeof protocolMessages.$inferInsert, 'createdAt'> & { id: string; createdAt: Date };

export async function recordMessage(db: Db, message: NewProtocolMessage): Promise<void> {
  await db.insert(protocolMessages).values({
    ...message,
    rawXml: storable(message.rawXml),
    responseXml: message.responseXml == null ? message.responseXml : storable(message.responseXml),
    error: message.error == null ? message.error : storable(message.error),
  });
}

/**
 * PostgreSQL text cannot hold U+0000, and a message must be recorded whatever it holds. Inbound
 * bodies with a NUL never get here as text (protocols/decode.ts refuses them); this keeps any other text
 * (a partner's answer, say) from turning a record into an error.
 */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

/** What a body that cannot be read as text is kept as: readable in raw_xml, every byte in parsed. */
export interface UndecodableBody {
  readonly reason: string;
  readonly bytes: Uint8Array;
  readonly printable: string;
}

export function undecodableColumns(body: UndecodableBody): { rawXml: string; parsed: { undecodable: { reason: string; base64: string } } } {
  return { rawXml: body.printable, parsed: { undecodable: { reason: body.reason, base64: Buffer.from(body.bytes).toString('base64') } } };
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
