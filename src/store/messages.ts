/**
 * Every protocol message in and out, kept raw so staff and partners can see exactly what was said,
 * except for secrets: security codes and NCIP authentication are masked by element before a message
 * is stored, and again when one is read (rows kept before masking existed).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { maskParsedSecrets, maskXmlSecrets } from '../../protocols/secrets';
import type { Db } from './db';
import { deliveryFailures, outbox, protocolMessages } from './schema';

export type ProtocolMessageRow = typeof protocolMessages.$inferSelect;
export type NewProtocolMessage = Omit<typeof protocolMessages.$inferInsert, 'createdAt'> & { id: string; createdAt: Date };
export type DeliveryFailureRow = typeof deliveryFailures.$inferSelect;

/** What may be stored of a message (also used by request-writes.ts): secrets masked, and text PostgreSQL can hold (see `storable`). */
export function masked<T extends Partial<Pick<ProtocolMessageRow, 'rawXml' | 'responseXml' | 'parsed' | 'error'>>>(message: T): T {
  return {
    ...message,
    ...(message.rawXml !== undefined ? { rawXml: storable(maskXmlSecrets(message.rawXml)) } : {}),
    ...(message.responseXml != null ? { responseXml: storable(maskXmlSecrets(message.responseXml)) } : {}),
    ...(message.error != null ? { error: storable(message.error) } : {}),
    ...(message.parsed !== undefined ? { parsed: maskParsedSecrets(message.parsed) } : {}),
  };
}

export async function recordMessage(db: Db, message: NewProtocolMessage): Promise<void> {
  await db.insert(protocolMessages).values(masked(message));
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

export interface DeliveryAttempt {
  readonly outboxId: string;
  /** What was sent: the same for every attempt of an outbox row, unless the directory changed in between. */
  readonly message: Pick<NewProtocolMessage, 'protocol' | 'peer' | 'messageType' | 'requestId' | 'rawXml'>;
  /** What came of this attempt. */
  readonly outcome: { readonly status: string; readonly responseXml?: string | null; readonly httpStatus?: number | null; readonly error?: string | null; readonly parsed?: unknown };
  readonly at: Date;
  readonly newId: () => string;
}

export interface RecordedAttempt {
  readonly message: ProtocolMessageRow;
  /** The run of identical failures this attempt joined or started (failed attempts only). */
  readonly failure?: DeliveryFailureRow;
  /** Whether the outbox row had put its request in front of staff before this attempt. */
  readonly attentionRaised: boolean;
}

/**
 * Records one attempt to deliver an outbox row: the message row is written the first time and
 * counted up afterwards (a new row only if the bytes changed), and a failure joins the latest run
 * of failures when it is the same failure again. Call inside a transaction: the outbox row is
 * locked, so two runs of one job cannot both start a message row.
 */
export async function recordDeliveryAttempt(tx: Db, attempt: DeliveryAttempt): Promise<RecordedAttempt> {
  const sent = masked(attempt.message);
  const outcome = masked({ ...attempt.outcome, responseXml: attempt.outcome.responseXml ?? null, parsed: attempt.outcome.parsed ?? null });
  const answer = { status: outcome.status, responseXml: outcome.responseXml, httpStatus: outcome.httpStatus ?? null, error: outcome.error ?? null, parsed: outcome.parsed, lastAttemptAt: attempt.at };
  // The outbox row, locked, with its latest message: one statement, as it runs for every delivery.
  const [found] = await tx
    .select({ attentionAt: outbox.attentionAt, latest: protocolMessages })
    .from(outbox)
    .leftJoin(protocolMessages, and(eq(protocolMessages.outboxId, outbox.id), eq(protocolMessages.direction, 'out')))
    .where(eq(outbox.id, attempt.outboxId))
    .orderBy(desc(protocolMessages.createdAt))
    .limit(1)
    .for('update', { of: outbox });
  const latest = found?.latest ?? undefined;
  const [message] =
    latest && latest.rawXml === sent.rawXml
      ? await tx
          .update(protocolMessages)
          .set({ ...answer, attempts: latest.attempts + 1 })
          .where(eq(protocolMessages.id, latest.id))
          .returning()
      : await tx
          .insert(protocolMessages)
          .values({ ...sent, ...answer, id: attempt.newId(), direction: 'out', outboxId: attempt.outboxId, attempts: 1, createdAt: attempt.at })
          .returning();
  const attentionRaised = found?.attentionAt != null;
  if (outcome.status !== 'failed') return { message: message!, attentionRaised };
  const error = outcome.error ?? 'failed';
  const [run] = await tx.select().from(deliveryFailures).where(eq(deliveryFailures.messageId, message!.id)).orderBy(desc(deliveryFailures.lastAt)).limit(1);
  const again = run && run.error === error && run.httpStatus === answer.httpStatus && latest?.id === message!.id && latest.status === 'failed';
  const [failure] = again
    ? await tx
        .update(deliveryFailures)
        .set({ count: run.count + 1, lastAt: attempt.at })
        .where(eq(deliveryFailures.id, run.id))
        .returning()
    : await tx.insert(deliveryFailures).values({ id: attempt.newId(), messageId: message!.id, error, httpStatus: answer.httpStatus, count: 1, firstAt: attempt.at, lastAt: attempt.at }).returning();
  return { message: message!, failure: failure!, attentionRaised };
}

export async function listMessagesForRequest(db: Db, requestId: string): Promise<ProtocolMessageRow[]> {
  const rows = await db.select().from(protocolMessages).where(eq(protocolMessages.requestId, requestId)).orderBy(asc(protocolMessages.createdAt));
  return rows.map(masked);
}

/** The runs of failed delivery attempts of a request's outbound messages, oldest first. */
export async function listDeliveryFailuresForRequest(db: Db, requestId: string): Promise<(DeliveryFailureRow & Pick<ProtocolMessageRow, 'peer' | 'messageType'>)[]> {
  const rows = await db
    .select({ failure: deliveryFailures, peer: protocolMessages.peer, messageType: protocolMessages.messageType })
    .from(deliveryFailures)
    .innerJoin(protocolMessages, eq(protocolMessages.id, deliveryFailures.messageId))
    .where(eq(protocolMessages.requestId, requestId))
    .orderBy(asc(deliveryFailures.firstAt));
  return rows.map((r) => ({ ...r.failure, peer: r.peer, messageType: r.messageType }));
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
