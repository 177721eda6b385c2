/** The export's address for a list: its filters, queue and sort, without the page (every row is exported). */
import type { RequestsQuery } from '../components/listQuery';

export function csvHref(query: RequestsQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'cursor' || name === 'limit' || value === undefined || value === '') continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return `/api/v1/requests/export.csv${search ? `?${search}` : ''}`;
}
