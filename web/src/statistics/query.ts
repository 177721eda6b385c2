/** The Statistics screen's query, as the URL holds it and GET /statistics takes it. */
import type { operations } from '../api/schema';

export type StatisticsQuery = NonNullable<operations['getStatistics']['parameters']['query']>;
export type StatisticsTable = NonNullable<StatisticsQuery['table']>;

export const PRESETS = ['this-month', 'last-month', 'this-year', 'last-12-months'] as const;

export function queryOf(params: URLSearchParams): StatisticsQuery {
  const preset = PRESETS.find((p) => p === params.get('period'));
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const library = params.get('library') ?? undefined;
  return {
    role: params.get('role') === 'lending' ? 'lending' : 'borrowing',
    ...(library ? { library } : {}),
    ...(from && to ? { from, to } : { period: preset ?? 'last-12-months' }),
  };
}

/** The CSV download of one table of the report the screen shows. */
export function csvHref(query: StatisticsQuery, table: StatisticsTable): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  params.set('table', table);
  return `/api/v1/statistics/export.csv?${params.toString()}`;
}
