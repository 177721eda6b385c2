/** Benchmark output: Markdown tables that read in a terminal and paste into a note as they are. */

export const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

export const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Prints `rows` under `header`. `align` has one letter per column, `l` (text) or `r` (figures);
 * by default the first column is text and the others figures.
 */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], align = `l${'r'.repeat(header.length - 1)}`): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number) => align[i] !== 'r';
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (left(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
