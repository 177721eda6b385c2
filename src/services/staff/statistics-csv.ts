/**
 * Every table of the statistics report as CSV (RFC 4180, UTF-8 with a byte order mark, CRLF):
 * one file per table, the columns the screen shows, times in hours, rates as fractions.
 */
import type { StatisticsReport } from '../../statistics/report';
import { csvField } from './export-csv';

export const STATISTICS_TABLES = ['volumes', 'service-types', 'formats', 'turnaround', 'partners', 'reciprocity', 'circulation', 'unfilled-reasons', 'months'] as const;
export type StatisticsTable = (typeof STATISTICS_TABLES)[number];

type Cell = string | number | null;

const hours = (seconds: number | null): Cell => (seconds === null ? null : Math.round((seconds / 3600) * 10) / 10);
const rate = (r: number | null): Cell => (r === null ? null : Math.round(r * 1000) / 1000);
const counts = ['Created', 'Filled', 'Unfilled', 'Cancelled', 'Fill rate'];

/** The table's header and rows. */
export function statisticsTable(report: StatisticsReport, table: StatisticsTable): { header: string[]; rows: Cell[][] } {
  switch (table) {
    case 'volumes':
      return { header: ['Service type', 'Format', 'Created', 'Filled', 'Unfilled', 'Cancelled'], rows: report.volumes.map((v) => [v.serviceType, v.format, v.created, v.filled, v.unfilled, v.cancelled]) };
    case 'service-types':
      return { header: ['Service type', ...counts], rows: report.byServiceType.map((v) => [v.serviceType, v.created, v.filled, v.unfilled, v.cancelled, rate(v.fillRate)]) };
    case 'formats':
      return { header: ['Format', ...counts], rows: report.byFormat.map((v) => [v.format, v.created, v.filled, v.unfilled, v.cancelled, rate(v.fillRate)]) };
    case 'turnaround':
      return { header: ['Interval', 'Count', 'Median (hours)', '90th percentile (hours)'], rows: report.turnaround.map((t) => [t.interval, t.count, hours(t.p50), hours(t.p90)]) };
    case 'partners':
      return {
        header: ['Partner', 'Asked', 'Filled', 'Unfilled', 'Fill rate', 'Open', 'Answers', 'Median answer (hours)', '90th percentile answer (hours)', 'Shipped', 'Median to ship (hours)', '90th percentile to ship (hours)'],
        rows: report.partners.map((p) => [p.partner, p.asked, p.filled, p.unfilled, rate(p.fillRate), p.open, p.answerSeconds.count, hours(p.answerSeconds.p50), hours(p.answerSeconds.p90), p.shipSeconds.count, hours(p.shipSeconds.p50), hours(p.shipSeconds.p90)]),
      };
    case 'reciprocity':
      return { header: ['Partner', 'Borrowed from', 'Lent to', 'Balance'], rows: report.reciprocity.map((r) => [r.partner, r.borrowed, r.lent, r.balance]) };
    case 'circulation': {
      const c = report.circulation;
      return { header: ['Renewals asked', 'Renewals granted', 'Renewals refused', 'Overdues', 'Recalls'], rows: [[c.renewalsAsked, c.renewalsGranted, c.renewalsRefused, c.overdues, c.recalls]] };
    }
    case 'unfilled-reasons':
      return { header: ['Reason', 'Count'], rows: report.unfilledReasons.map((u) => [u.reason, u.count]) };
    case 'months':
      return { header: ['Month', ...counts, 'Median to ship (hours)'], rows: report.months.map((m) => [m.month, m.created, m.filled, m.unfilled, m.cancelled, rate(m.fillRate), hours(m.shipP50)]) };
  }
}

const cell = (value: Cell): string => (value === null ? '' : typeof value === 'number' ? String(value) : csvField(value));

export function statisticsCsv(report: StatisticsReport, table: StatisticsTable): string {
  const { header, rows } = statisticsTable(report, table);
  return `\uFEFF${[header.map(cell), ...rows.map((r) => r.map(cell))].map((r) => `${r.join(',')}\r\n`).join('')}`;
}

export function statisticsFileName(report: StatisticsReport, table: StatisticsTable): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `statistics-${report.role}-${table}-${day(report.from)}-${day(report.to)}.csv`;
}
