/** What a live update says about a request: the few columns a queue screen redraws from. */
import { inArray } from 'drizzle-orm';
import type { Db } from './db';
import { requests } from './schema';

export interface RequestHead {
  readonly id: string;
  readonly libraryId: string | null;
  readonly role: 'requester' | 'supplier' | 'broker';
  readonly state: string;
  readonly version: number;
  readonly needsAttention: boolean;
}

export async function requestHeads(db: Db, ids: readonly string[]): Promise<RequestHead[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: requests.id, libraryId: requests.libraryId, role: requests.role, state: requests.state, version: requests.version, needsAttention: requests.needsAttention })
    .from(requests)
    .where(inArray(requests.id, [...ids]));
}
