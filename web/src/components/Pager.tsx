/** Keyset pages as links (the URL keeps the cursors, so back and forward work and a page can be shared). */
import { Link } from 'react-router';
import { t } from '../i18n/t';
import { listHref, type ListQuery, nextPage, previousPage } from './listQuery';

export function Pager({ query, nextCursor, pathname }: { readonly query: ListQuery; readonly nextCursor: string | null; readonly pathname: string }) {
  const href = (q: ListQuery) => listHref(pathname, q);
  if (query.after.length === 0 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={t('list.pages')}>
      {query.after.length > 0 && <Link to={href(previousPage(query))}>{t('list.previous')}</Link>}
      {nextCursor && <Link to={href(nextPage(query, nextCursor))}>{t('list.next')}</Link>}
    </nav>
  );
}
