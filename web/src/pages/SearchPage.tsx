/**
 * Search over all requests with every filter GET /requests has; the URL holds the query (a search
 * can be shared, back returns to the one before) and the keyset page.
 */
import { FIELD, ListFilters } from '../components/ListFilters';
import { requestsQuery, type Sort } from '../components/listQuery';
import { RequestListResults } from '../components/RequestListResults';
import { SelectedPrintLinks } from '../print/PrintLinks';
import { PAGE_SIZE, useRequestList } from '../components/requests';
import { useListQuery } from '../components/useListQuery';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';

const FIELDS = [
  FIELD.q,
  FIELD.role,
  FIELD.state,
  FIELD.partner,
  FIELD.patron,
  FIELD.barcode,
  FIELD.createdFrom,
  FIELD.createdBefore,
  FIELD.needsAttention,
  FIELD.serviceType,
  FIELD.needBeforeFrom,
  FIELD.needBeforeTo,
];
const DEFAULT_SORT: Sort = '-createdAt';

export function SearchPage() {
  const { query, pathname, hrefForSort, applyFilters } = useListQuery();
  const listQuery = requestsQuery(query, { limit: PAGE_SIZE });
  const list = useRequestList(listQuery);
  useTitle(t('search.title'));
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('search.title')}</h1>
      <ListFilters fields={FIELDS} filters={query.filters} onApply={applyFilters} submitLabel="search.submit" />
      <section>
        <h2>{t('search.results')}</h2>
        <RequestListResults list={list} query={query} pathname={pathname} caption={t('search.results')} sorting={{ sort: query.sort, fallback: DEFAULT_SORT, hrefFor: hrefForSort }} exportQuery={listQuery} bulkExtra={(rows) => <SelectedPrintLinks rows={rows} />} />
      </section>
    </main>
  );
}
