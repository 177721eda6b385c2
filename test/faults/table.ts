/** The suite's one table of figures, and the JSON that CI adds to its total. */

export interface Row {
  readonly scenario: string;
  readonly requests: number;
  readonly accepted: number;
  readonly atLender: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly deadRows: number;
  readonly duplicateMails: number;
  /** undefined: not drained in time. */
  readonly drainedIn: number | undefined;
  readonly drainTimeoutS: number;
  readonly failures: readonly string[];
  /** What the client saw besides 201s (notes, not failures). */
  readonly clientSaw: readonly string[];
}

const HEADERS = ['scenario', 'requests', 'accepted', 'at lender', 'missing', 'duplicates', 'dead rows', 'duplicate mails', 'drained in s', 'result'];

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    String(r.requests),
    String(r.accepted),
    String(r.atLender),
    String(r.missing),
    String(r.duplicates),
    String(r.deadRows),
    String(r.duplicateMails),
    r.drainedIn === undefined ? `> ${r.drainTimeoutS}` : r.drainedIn.toFixed(1),
    r.failures.length === 0 ? 'pass' : 'FAIL',
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(HEADERS), rule, ...cells.map(line)].join('\n');
}

export function formatNotes(rows: readonly Row[]): string {
  const notes: string[] = [];
  for (const r of rows) {
    notes.push(`${r.scenario}:`);
    for (const f of r.failures) notes.push(`  FAIL ${f}`);
    if (r.clientSaw.length > 0) notes.push(`  the client saw: ${r.clientSaw.join('; ')}`);
  }
  return notes.join('\n');
}

export function summary(rows: readonly Row[]) {
  const failed = rows.filter((r) => r.failures.length > 0).length;
  return {
    passed: rows.length - failed,
    failed,
    scenarios: rows.map((r) => ({ ...r, drainedIn: r.drainedIn ?? null, passed: r.failures.length === 0 })),
  };
}
