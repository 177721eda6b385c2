/** A list screen's query, read from and written to the URL (react-router's search params). */
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { type Filters, listHref, type ListQuery, readListQuery, type Sort, withFilters, withSort } from './listQuery';

export function useListQuery() {
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const query = readListQuery(params);
  const href = (q: ListQuery) => listHref(pathname, q);
  return {
    query,
    pathname,
    hrefForSort: (sort: Sort) => href(withSort(query, sort)),
    applyFilters: (filters: Filters) => void navigate(href(withFilters(query, filters))),
  };
}
