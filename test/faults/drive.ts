/**
 * The lender's staff at work while the batch runs: every request that has arrived and been
 * validated is shipped (staff action `ship`, through the lender's staff API), so each loan
 * goes one step further: a Loaned message back to the borrower and a second patron mail.
 * Whatever fails (the lender or its database down) is simply tried again at the next look.
 */
import { callApi } from './http';
import type { Instance } from './instances';
import { postgresReader } from './sql';

export interface LenderStaff {
  stop(): Promise<void>;
}

const LOOK_EVERY_MS = 300;
const DUE_DATE = '2031-06-30T23:59:59Z';

export function shipArrivals(lender: Instance): LenderStaff {
  if (!lender.databaseUrl) throw new Error('the lender runs on PostgreSQL');
  const { read, close } = postgresReader(lender.databaseUrl);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const arrived = await read<{ id: string; version: number }>(`select id, version from requests where role = 'supplier' and state = 'validated' order by created_at limit 40`);
        for (let i = 0; i < arrived.length && !stopped; i += 2) {
          await Promise.all(
            arrived.slice(i, i + 2).map((r) => callApi(lender.url, lender.apiKey, 'POST', `/requests/${r.id}/actions`, { action: 'ship', params: { dueDate: DUE_DATE }, version: r.version }, 10_000)),
          );
        }
      } catch {
        // the lender's database is away; look again
      }
      await new Promise((r) => setTimeout(r, LOOK_EVERY_MS));
    }
    await close();
  })();
  return {
    /** Idempotent. */
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
