/** How many requests are in each state, per library and role: what the `ill_requests` gauge shows at each scrape. */
import { sql } from 'drizzle-orm';
import type { Db } from './db';
import { requests } from './schema';

export interface RequestCount {
  readonly libraryId: string | null;
  readonly role: 'requester' | 'supplier' | 'broker';
  readonly state: string;
  readonly n: number;
}

export async function countRequestsByState(db: Db): Promise<RequestCount[]> {
  const rows = await db
    .select({ libraryId: requests.libraryId, role: requests.role, state: requests.state, n: sql<number>`count(*)::int` })
    .from(requests)
    .groupBy(requests.libraryId, requests.role, requests.state);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
