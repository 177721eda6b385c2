/** The broker hub's transactions: `requests` rows with role `broker`, keyed on the requester's request id. */
import { and, eq } from 'drizzle-orm';
import type { Db } from './db';
import { requests } from './schema';
import { decodeRequest, type RequestRow } from './requests';

/**
 * Broker transactions with this requester request id, narrowed to one broker library and/or one
 * requesting agency when given. The id is unique per broker library (the hub refuses a reused
 * one, as CrossLink does), so a supplier's message, which may not name the requester, finds it.
 */
export async function findBrokerTransactions(db: Db, key: { requestingAgencyRequestId: string; libraryId?: string; requestingAgencyId?: string }): Promise<RequestRow[]> {
  const rows = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.role, 'broker'),
        eq(requests.requestingAgencyRequestId, key.requestingAgencyRequestId),
        ...(key.libraryId ? [eq(requests.libraryId, key.libraryId)] : []),
        ...(key.requestingAgencyId ? [eq(requests.requestingAgencyId, key.requestingAgencyId)] : []),
      ),
    );
  return rows.map(decodeRequest);
}
