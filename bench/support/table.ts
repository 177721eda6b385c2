/** Benchmark output: Markdown tables that read in a terminal and paste into a note as they are. */

export const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

export const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Prints `rows` under `header`; columns after the first are right-aligned (figures). */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
