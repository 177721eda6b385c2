/**
 * Looking at a running pair (has the work drained yet?) and counting a stopped one. A borrower
 * on PostgreSQL is read directly both times. An embedded (PGlite) borrower cannot be opened
 * while its server runs, so until then it is watched through its staff API, and its database
 * is read once the server has stopped.
 */
import { join } from 'node:path';
import { countAll, drained, LENDING_SQL, mailedNotices, NOTICES_PER_REQUEST, type Counts, type Sources } from './counts';
import { callApi } from './http';
import type { Instance, Pair } from './instances';
import { readPostgres, withPglite, type Read } from './sql';

const mailFolder = (borrower: Instance) => join(borrower.dataDir, 'mail');

function readerOf(instance: Instance): Read {
  if (!instance.databaseUrl) throw new Error(`the ${instance.name} runs on PGlite: read it once it has stopped`);
  return readPostgres(instance.databaseUrl);
}

/** True once every request is at the lender, shipped and mailed, and no outbox row is due. */
export async function drainedNow(pair: Pair, accepted: readonly string[]): Promise<boolean> {
  if (pair.borrower.databaseUrl) {
    const sources: Sources = { borrower: readerOf(pair.borrower), lender: readerOf(pair.lender), mailFolder: mailFolder(pair.borrower) };
    return drained(await countAll(sources, accepted));
  }
  const borrowing = await borrowingThroughApi(pair.borrower);
  if (!borrowing) return false;
  const atLender = new Set((await readerOf(pair.lender)<{ rid: string }>(LENDING_SQL)).map((r) => r.rid));
  const mails = mailedNotices(mailFolder(pair.borrower), new Map());
  return (
    borrowing.length > 0 &&
    [...borrowing.map((r) => r.id), ...accepted].every((id) => atLender.has(id)) &&
    borrowing.every((r) => r.state === 'shipped') &&
    mails.distinct >= NOTICES_PER_REQUEST * borrowing.length
  );
}

/** The figures of a pair whose processes have stopped. */
export async function countStopped(pair: Pair, accepted: readonly string[]): Promise<Counts> {
  const lender = readerOf(pair.lender);
  if (pair.borrower.databaseUrl) return countAll({ borrower: readerOf(pair.borrower), lender, mailFolder: mailFolder(pair.borrower) }, accepted);
  return withPglite(join(pair.borrower.dataDir, 'pglite'), (borrower) => countAll({ borrower, lender, mailFolder: mailFolder(pair.borrower) }, accepted));
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
