/** What a list row shows of a request, read from its typed data (pure). */
import type { RequestRow } from './requests';

export function titleOf(row: RequestRow): string | undefined {
  const bib = row.data.bibliographic;
  return bib?.titleOfComponent ? `${bib.titleOfComponent} (${bib.title ?? ''})`.replace(' ()', '') : bib?.title;
}

export function authorOf(row: RequestRow): string | undefined {
  const bib = row.data.bibliographic;
  return bib?.authorOfComponent ?? bib?.author;
}

/** A borrowing request's patron; a lending request's requesting library. */
export function whoOf(row: RequestRow): string {
  if (row.role === 'supplier') return row.data.requestingAgencyName ?? row.data.requestingAgency?.name ?? row.requestingAgencyId;
  const patron = row.data.patron;
  if (!patron) return row.role === 'broker' ? row.requestingAgencyId : '';
  const name = patron.name ?? [patron.givenName, patron.surname].filter(Boolean).join(' ');
  return name ? `${name} (${patron.id})` : patron.id;
}
