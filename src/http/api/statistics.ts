/** /statistics: ILL figures of a period from the audit trail, as JSON or one table as CSV. */
import type { Response } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps';
import { statisticsReport, statisticsQuerySchema } from '../../services/staff/statistics';
import { statisticsCsv, statisticsFileName, STATISTICS_TABLES, type StatisticsTable } from '../../services/staff/statistics-csv';
import type { StatisticsReport } from '../../statistics/report';
import { apiRoute, type ApiRoute } from './route';

const tag = 'Statistics';
const count = z.number().int().min(0);
const rate = z.number().min(0).max(1).nullable().meta({ description: 'filled ÷ (filled + unfilled); null when none ended' });
const seconds = z.number().nullable();
const percentiles = z.object({ count, p50: seconds, p90: seconds }).meta({ id: 'Percentiles', description: 'Seconds: how many intervals, their median and 90th percentile (percentile_cont)' });
const counts = { created: count, filled: count, unfilled: count, cancelled: count };

const reportSchema = z
  .object({
    role: z.enum(['borrowing', 'lending']),
    library: z.string().nullable().meta({ description: 'The library’s symbol; null: every library together' }),
    from: z.iso.datetime(),
    to: z.iso.datetime().meta({ description: 'Exclusive' }),
    preset: z.string().nullable(),
    totals: z.object({ ...counts, fillRate: rate }),
    volumes: z.array(z.object({ serviceType: z.string(), format: z.string(), ...counts })),
    byServiceType: z.array(z.object({ serviceType: z.string(), ...counts, fillRate: rate })),
    byFormat: z.array(z.object({ format: z.string(), ...counts, fillRate: rate })),
    turnaround: z.array(z.object({ interval: z.string(), count, p50: seconds, p90: seconds })),
    partners: z.array(
      z.object({
        partner: z.string(),
        asked: count.meta({ description: 'Borrowing: attempts sent to the partner in the period; lending: requests received from it' }),
        filled: count,
        unfilled: count,
        fillRate: rate,
        open: count.meta({ description: 'Attempts (lending: requests) open now' }),
        answerSeconds: percentiles,
        shipSeconds: percentiles,
      }),
    ),
    reciprocity: z.array(z.object({ partner: z.string(), borrowed: count, lent: count, balance: z.number().int() })),
    circulation: z.object({ renewalsAsked: count, renewalsGranted: count, renewalsRefused: count, overdues: count, recalls: count }),
    unfilledReasons: z.array(z.object({ reason: z.string(), count })),
    months: z.array(z.object({ month: z.iso.date(), ...counts, fillRate: rate, shipP50: seconds })),
  })
  .meta({ id: 'StatisticsReport' });

const csvQuerySchema = statisticsQuerySchema.extend({ table: z.enum(STATISTICS_TABLES).meta({ description: 'Which table of the report' }) });
const csvFileSchema = z.string().meta({ description: 'text/csv; charset=utf-8: a header record, then the table’s rows' });

const DESCRIPTION =
  'Figures of one side (borrowing or lending) for a period, computed from the audit trail (request_events), so any past period can be computed again. ' +
  'Counts and intervals belong to the period their ending event falls in; intervals are in seconds (p50, p90 by percentile_cont). ' +
  'Borrowing partners are counted per supplier attempt (a request sent to three lenders is three attempts); lending partners per requesting library. ' +
  'The README’s "Statistics" section defines every figure.';

function sendCsv(res: Response, report: StatisticsReport, table: StatisticsTable): void {
  res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${statisticsFileName(report, table)}"`, 'Cache-Control': 'no-store' });
  res.end(statisticsCsv(report, table));
}

export function statisticsRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/statistics',
      operationId: 'getStatistics',
      summary: 'Read the ILL statistics of a period',
      description: `${DESCRIPTION} With \`Accept: text/csv\` and \`table\`, one table as CSV (as GET /statistics/export.csv).`,
      tag,
      role: 'read-only',
      query: statisticsQuerySchema.extend({ table: z.enum(STATISTICS_TABLES).optional().meta({ description: 'With Accept: text/csv: which table' }) }),
      success: { status: 200, description: 'The report', schema: reportSchema },
      handle: ({ query, principal }) => statisticsReport(deps, query, principal),
      alternative: {
        contentType: 'text/csv',
        schema: csvFileSchema,
        stream: async ({ query, principal }, _req, res) => {
          const table = csvQuerySchema.shape.table.parse(query.table ?? 'volumes');
          sendCsv(res, await statisticsReport(deps, query, principal), table);
        },
      },
    }),
    apiRoute({
      method: 'get',
      path: '/statistics/export.csv',
      operationId: 'exportStatisticsCsv',
      summary: 'Download one table of the ILL statistics as CSV',
      description:
        'The same query and scope as GET /statistics, and `table`: volumes, service-types, formats, turnaround, partners, reciprocity, circulation, unfilled-reasons or months. ' +
        'RFC 4180, UTF-8 with a byte order mark, CRLF; times in hours (one decimal), rates as fractions; a field a spreadsheet would read as a formula starts with an apostrophe.',
      tag,
      role: 'read-only',
      query: csvQuerySchema,
      success: { status: 200, description: 'The CSV file (Content-Disposition: attachment)', schema: csvFileSchema, contentType: 'text/csv' },
      stream: async ({ query, principal }, _req, res) => sendCsv(res, await statisticsReport(deps, query, principal), query.table),
    }),
  ];
}
