/**
 * What a scenario is judged by, read from the two databases and the borrower's mail folder
 * (patron mail is written to DATA_DIR/mail/*.eml when no SMTP_URL is set).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Read } from './sql';

/** Where the figures come from: each instance's database, and the borrower's mail folder. */
export interface Sources {
  readonly borrower: Read;
  readonly lender: Read;
  readonly mailFolder: string;
}

export interface Counts {
  /** Borrowing requests the borrower's database holds (answered or not). */
  readonly committed: number;
  /** Of those, how many have their lending request at the lender. */
  readonly atLender: number;
  /** Committed or accepted (201) requests with no lending request at the lender. */
  readonly missing: number;
  /** Accepted (201) but not in the borrower's database at all. */
  readonly lost: number;
  /** In the borrower's database, but the client never got the 201 for it. */
  readonly committedUnanswered: number;
  /** Lending requests beyond one per borrowing request. */
  readonly duplicates: number;
  /** Borrowing requests that reached `shipped` (the lender's Loaned came back). */
  readonly shipped: number;
  readonly deadRows: number;
  /** Outbox rows still due: pending, or queued and due by now (timers for later do not count). */
  readonly outstanding: number;
  /** The first few of them, described (queue, job, status, attempts, age, last error): evidence for the notes. */
  readonly outstandingRows: readonly string[];
  /** Distinct (request, notice) pairs mailed, and mails beyond one per pair. */
  readonly noticesMailed: number;
  readonly duplicateMails: number;
  /** The first few notices mailed more than once (`<request id>:<notice>`). */
  readonly mailedTwice: readonly string[];
}

/** Notices each batch request earns: request_received when made, shipped when the Loaned arrives. */
export const NOTICES_PER_REQUEST = 2;

export function drained(c: Counts): boolean {
  return c.committed > 0 && c.missing === 0 && c.shipped === c.committed && c.outstanding === 0 && c.noticesMailed >= NOTICES_PER_REQUEST * c.committed;
}

const DUE = `(status = 'pending' or (status = 'queued' and (not_before is null or not_before <= now())))`;
const OUTSTANDING_SQL = `select count(*)::int as n from outbox where ${DUE}`;
const OUTSTANDING_ROWS_SQL = `select queue, job_name, status, attempts, extract(epoch from now() - created_at)::int as age, last_error from outbox where ${DUE} order by seq limit 3`;

interface OutstandingRow {
  queue: string;
  job_name: string;
  status: string;
  attempts: number;
  age: number;
  last_error: string | null;
}

const describe = (side: string) => (r: OutstandingRow) =>
  `${side} ${r.queue}/${r.job_name} ${r.status} for ${r.age} s after ${r.attempts} attempts${r.last_error ? ` (${r.last_error.slice(0, 80)})` : ''}`;

export const BORROWING_SQL = `select id, state from requests where role = 'requester'`;
export const LENDING_SQL = `select requesting_agency_request_id as rid, count(*)::int as n from requests where role = 'supplier' group by 1`;

export async function countAll(sources: Sources, accepted: readonly string[]): Promise<Counts> {
  const { borrower: b, lender: l } = sources;
  const [borrowing, lending, deadB, deadL, dueB, dueL, notices, stuckB, stuckL] = await Promise.all([
    b<{ id: string; state: string }>(BORROWING_SQL),
    l<{ rid: string; n: number }>(LENDING_SQL),
    b<{ n: number }>(`select count(*)::int as n from outbox where status = 'dead'`),
    l<{ n: number }>(`select count(*)::int as n from outbox where status = 'dead'`),
    b<{ n: number }>(OUTSTANDING_SQL),
    l<{ n: number }>(OUTSTANDING_SQL),
    b<{ id: string; request_id: string; event: string }>(`select id, request_id, event from notifications`),
    b<OutstandingRow>(OUTSTANDING_ROWS_SQL),
    l<OutstandingRow>(OUTSTANDING_ROWS_SQL),
  ]);
  const atLender = new Map(lending.map((r) => [r.rid, r.n]));
  const committed = new Set(borrowing.map((r) => r.id));
  const acceptedIds = new Set(accepted);
  const expected = new Set([...committed, ...accepted]);
  const mails = mailedNotices(sources.mailFolder, new Map(notices.map((n) => [n.id, `${n.request_id}:${n.event}`])));
  return {
    committed: committed.size,
    atLender: [...committed].filter((id) => atLender.has(id)).length,
    missing: [...expected].filter((id) => !atLender.has(id)).length,
    lost: accepted.filter((id) => !committed.has(id)).length,
    committedUnanswered: [...committed].filter((id) => !acceptedIds.has(id)).length,
    duplicates: [...atLender.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    shipped: borrowing.filter((r) => r.state === 'shipped').length,
    deadRows: deadB[0]!.n + deadL[0]!.n,
    outstanding: dueB[0]!.n + dueL[0]!.n,
    outstandingRows: [...stuckB.map(describe('borrower')), ...stuckL.map(describe('lender'))],
    noticesMailed: mails.distinct,
    duplicateMails: mails.total - mails.distinct,
    mailedTwice: mails.twice.slice(0, 3),
  };
}

/**
 * Mail files grouped by the notice they are for. A notice's Message-ID names its notifications
 * row (`<notice.<row id>@...>`), and a row is one request and event; a Message-ID no row
 * explains counts as a notice of its own.
 */
export function mailedNotices(folder: string, noticeOfRow: ReadonlyMap<string, string>): { total: number; distinct: number; twice: string[] } {
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.eml'));
  } catch {
    return { total: 0, distinct: 0, twice: [] };
  }
  const seen = new Map<string, number>();
  for (const file of files) {
    const head = readFileSync(join(folder, file), 'utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
    const messageId = /^Message-ID:\s*<([^>]*)>/im.exec(head)?.[1] ?? file;
    const row = /^notice\.([^@]+)@/.exec(messageId)?.[1];
    const notice = (row && noticeOfRow.get(row)) ?? messageId;
    seen.set(notice, (seen.get(notice) ?? 0) + 1);
  }
  return { total: files.length, distinct: seen.size, twice: [...seen].filter(([, n]) => n > 1).map(([notice]) => notice) };
}
