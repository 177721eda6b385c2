/**
 * Watching a pair while it runs (has the work drained yet?) and counting it once stopped. A
 * borrower on PostgreSQL is read directly both times. An embedded (PGlite) borrower cannot be
 * opened while its server runs, so until then it is watched through its staff API, and its
 * database is read once the server has stopped.
 */
import { join } from 'node:path';
import { countAll, drained, LENDING_SQL, mailedNotices, NOTICES_PER_REQUEST, type Counts } from './counts';
import { callApi } from './http';
import type { Instance, Pair } from './instances';
import { postgresReader, withPglite, type Reader } from './sql';

export interface Observer {
  /** True once every request is at the lender, shipped and mailed, and no outbox row is due. */
  drainedNow(accepted: readonly string[]): Promise<boolean>;
  /** The figures, once the pair's processes have stopped. */
  countStopped(accepted: readonly string[]): Promise<Counts>;
  close(): Promise<void>;
}

export function observe(pair: Pair): Observer {
  const mailFolder = join(pair.borrower.dataDir, 'mail');
  const lender = postgresReader(pair.lender.databaseUrl!);
  const borrower: Reader | undefined = pair.borrower.databaseUrl ? postgresReader(pair.borrower.databaseUrl) : undefined;
  return {
    async drainedNow(accepted) {
      if (borrower) return drained(await countAll({ borrower: borrower.read, lender: lender.read, mailFolder }, accepted));
      const borrowing = await borrowingThroughApi(pair.borrower);
      if (!borrowing) return false;
      const atLender = new Set((await lender.read<{ rid: string }>(LENDING_SQL)).map((r) => r.rid));
      return (
        borrowing.length > 0 &&
        [...borrowing.map((r) => r.id), ...accepted].every((id) => atLender.has(id)) &&
        borrowing.every((r) => r.state === 'shipped') &&
        mailedNotices(mailFolder, new Map()).distinct >= NOTICES_PER_REQUEST * borrowing.length
      );
    },
    async countStopped(accepted) {
      if (borrower) return countAll({ borrower: borrower.read, lender: lender.read, mailFolder }, accepted);
      return withPglite(join(pair.borrower.dataDir, 'pglite'), (read) => countAll({ borrower: read, lender: lender.read, mailFolder }, accepted));
    },
    async close() {
      await Promise.all([lender.close(), borrower?.close()]);
    },
  };
}

/** Every borrowing request with its state, page by page; undefined when the API does not answer. */
async function borrowingThroughApi(borrower: Instance): Promise<{ id: string; state: string }[] | undefined> {
  const all: { id: string; state: string }[] = [];
  let cursor: string | null = null;
  do {
    const path = `/requests?role=requester&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const outcome = await callApi(borrower.url, borrower.apiKey, 'GET', path, undefined, 5000);
    if (outcome.kind !== 'answered' || outcome.status !== 200) return undefined;
    const page = outcome.body as { items: { id: string; state: string }[]; nextCursor: string | null };
    all.push(...page.items.map((r) => ({ id: r.id, state: r.state })));
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
