/** Request rows: one per role per transaction, updated only under their optimistic lock. */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { decodeRequestData, type RequestData, type RequestDataInput } from './request-data';
import { requests } from './schema';

type StoredRequest = typeof requests.$inferSelect;
/** A request as the server works on it: the row, with `data` decoded (request-data.ts). */
export type RequestRow = Omit<StoredRequest, 'data'> & { readonly data: RequestData };
export type NewRequestRow = Omit<typeof requests.$inferInsert, 'version' | 'createdAt' | 'updatedAt' | 'data' | 'number'> & { id: string; data?: RequestDataInput };

/** Every read of a request goes through here: `data` is decoded once, by one schema. */
export function decodeRequest(row: StoredRequest): RequestRow {
  return { ...row, data: decodeRequestData(row) };
}

export async function insertRequest(tx: Db, row: NewRequestRow, at: Date): Promise<RequestRow> {
  const [created] = await tx.insert(requests).values({ ...row, data: stored(row.data ?? {}), version: 1, createdAt: at, updatedAt: at }).returning();
  return decodeRequest(created!);
}

export async function getRequest(db: Db, id: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row && decodeRequest(row);
}

export async function findRequestByTransaction(
  db: Db,
  key: { role: RequestRow['role']; requestingAgencyId: string; requestingAgencyRequestId: string },
): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.role, key.role),
        eq(requests.requestingAgencyId, key.requestingAgencyId),
        eq(requests.requestingAgencyRequestId, key.requestingAgencyRequestId),
      ),
    );
  return row && decodeRequest(row);
}

/** The ids a request's transaction had before each retry; GIN-indexed (requests_earlier_ids_idx), so the expression is written once. */
export const EARLIER_REQUEST_IDS = sql`(${requests.data}->'lifecycle'->'earlierRequestIds')`;

type EarlierIdKey = { role: RequestRow['role']; requestingAgencyId: string; requestingAgencyRequestId: string };

/** The condition findRequestByEarlierId selects by (exported for the test that EXPLAINs it). */
export function hadEarlierId(key: EarlierIdKey): SQL {
  return and(
    eq(requests.role, key.role),
    eq(requests.requestingAgencyId, key.requestingAgencyId),
    sql`${EARLIER_REQUEST_IDS} @> ${JSON.stringify([key.requestingAgencyRequestId])}::jsonb`,
  )!;
}

/** The request whose transaction had this id before a retry renamed it (`lifecycle.earlierRequestIds`). */
export async function findRequestByEarlierId(db: Db, key: EarlierIdKey): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(hadEarlierId(key));
  return row && decodeRequest(row);
}

/** A supplier-side request: our library, the requesting agency, and the requester's id. */
export async function findSupplierRequest(db: Db, supplyingAgencyId: string, requestingAgencyId: string, requestingAgencyRequestId: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.role, 'supplier'),
        eq(requests.supplyingAgencyId, supplyingAgencyId),
        eq(requests.requestingAgencyId, requestingAgencyId),
        eq(requests.requestingAgencyRequestId, requestingAgencyRequestId),
      ),
    );
  return row && decodeRequest(row);
}

export type RequestChanges = Partial<Pick<RequestRow, 'state' | 'needsAttention' | 'supplyingAgencyId' | 'supplyingAgencyRequestId' | 'requestingAgencyRequestId' | 'serviceType'>> & { readonly data?: RequestDataInput };

/** `data` as the column holds it (the decoded value, written back whole). */
const stored = (data: RequestDataInput): Record<string, unknown> => data;

/**
 * Applies changes only if the row is still at `expectedVersion`; returns the new row, or
 * undefined when someone else changed it first (the caller answers 409 / retries).
 */
export async function updateRequest(tx: Db, id: string, expectedVersion: number, changes: RequestChanges, at: Date): Promise<RequestRow | undefined> {
  const [row] = await tx
    .update(requests)
    .set({ ...changes, ...(changes.data ? { data: stored(changes.data) } : {}), version: sql`${requests.version} + 1`, updatedAt: at })
    .where(and(eq(requests.id, id), eq(requests.version, expectedVersion)))
    .returning();
  return row && decodeRequest(row);
}

/**
 * A library's borrowing request by any id an outside system may hold for it: ours, the id the
 * system gave when it created the request (`data.source.externalId`), or the ILS item id of
 * the temporary item (`data.ncip.itemId`).
 */
export async function findBorrowingRequestByAnyId(db: Db, libraryId: string, id: string): Promise<RequestRow[]> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const rows = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.libraryId, libraryId),
        eq(requests.role, 'requester'),
        or(
          ...(isUuid ? [eq(requests.id, id)] : []),
          sql`${requests.data}->'source'->>'externalId' = ${id}`,
          sql`${requests.data}->'ncip'->>'itemId' = ${id}`,
        ),
      ),
    );
  return rows.map(decodeRequest);
}

/**
 * Per supplier, how many of a library's borrowing requests are with it: still open and created
 * within the window, and created today. The current supplier is the rota entry at rotaIndex.
 */
export async function supplierLoad(db: Db, libraryId: string, since: Date, startOfToday: Date): Promise<Record<string, { openLoans: number; today: number }>> {
  const supplier = sql<string>`${requests.data}->'lifecycle'->'rota'->((${requests.data}->'lifecycle'->>'rotaIndex')::int)->>'symbol'`;
  const rows = await db
    .select({
      symbol: supplier,
      open: sql<number>`count(*) filter (where ${requests.state} not in ('complete', 'cancelled', 'unfilled', 'closed'))::int`,
      today: sql<number>`count(*) filter (where ${requests.createdAt} >= ${startOfToday})::int`,
    })
    .from(requests)
    .where(and(eq(requests.libraryId, libraryId), eq(requests.role, 'requester'), sql`${requests.createdAt} >= ${since}`, sql`${supplier} is not null`))
    .groupBy(supplier);
  return Object.fromEntries(rows.map((r) => [r.symbol, { openLoans: Number(r.open), today: Number(r.today) }]));
}

/** Borrowing requests in `states` whose lifecycle has a due date (the daily reminder sweep). */
export async function listBorrowingLoansWithDueDate(db: Db, states: readonly string[]): Promise<RequestRow[]> {
  const rows = await db
    .select()
    .from(requests)
    .where(and(eq(requests.role, 'requester'), inArray(requests.state, [...states]), sql`${requests.data}->'lifecycle'->>'dueDate' is not null`));
  return rows.map(decodeRequest);
}
