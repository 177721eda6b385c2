/** "Download CSV": every row of the list or search as it is filtered and sorted, not just this page. */
import type { RequestsQuery } from '../components/listQuery';
import { csvHref } from './csvHref';
import { t } from '../i18n/t';

export function CsvLink({ query }: { readonly query: RequestsQuery }) {
  return (
    <a className="csv-link" href={csvHref(query)} download>
      {t('bulk.csv')}
    </a>
  );
}
