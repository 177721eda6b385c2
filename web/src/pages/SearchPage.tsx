/**
 * Search over all requests with every filter GET /requests has; the URL holds the query (a search
 * can be shared, back returns to the one before) and the keyset page.
 */
import { FIELD, ListFilters } from '../components/ListFilters';
import { requestsQuery, type Sort } from '../components/listQuery';
import { Pager } from '../components/Pager';
import { ProblemMessage } from '../components/ProblemMessage';
import { RequestTable } from '../components/RequestTable';
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
  const list = useRequestList(requestsQuery(query, { limit: PAGE_SIZE }));
  useTitle(t('search.title'));
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('search.title')}</h1>
      <ListFilters fields={FIELDS} filters={query.filters} onApply={applyFilters} submitLabel="search.submit" />
      <section>
        <h2>{t('search.results')}</h2>
        {list.isPending && <p role="status">{t('list.loading')}</p>}
        {list.isError && <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && (
          <>
            <p className="muted" aria-live="polite">
              {list.data.items.length === 0 ? t('list.empty') : t('list.showing', { count: list.data.items.length, page: query.after.length + 1 })}
            </p>
            {list.data.items.length > 0 && <RequestTable rows={list.data.items} caption={t('search.results')} sorting={{ sort: query.sort, fallback: DEFAULT_SORT, hrefFor: hrefForSort }} />}
            <Pager query={query} nextCursor={list.data.nextCursor} pathname={pathname} />
          </>
        )}
      </section>
    </main>
  );
}
