/**
 * What a list screen (a queue, a search) shows under its filters: loading, a problem with a way
 * to try again, how many rows this page holds, the table, and the pager.
 */
import type { ListQuery } from './listQuery';
import { Pager } from './Pager';
import { ProblemMessage } from './ProblemMessage';
import { RequestTable, type SortState } from './RequestTable';
import type { useRequestList } from './requests';
import { t } from '../i18n/t';

interface Props {
  readonly list: ReturnType<typeof useRequestList>;
  readonly query: ListQuery;
  readonly pathname: string;
  readonly caption: string;
  readonly sorting: SortState;
  /** The queue's most frequent action, offered on each row that has it. */
  readonly rowAction?: string | null;
}

export function RequestListResults({ list, query, pathname, caption, sorting, rowAction }: Props) {
  if (list.isPending) return <p role="status">{t('list.loading')}</p>;
  if (list.isError) return <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data.items;
  return (
    <>
      <p className="muted" aria-live="polite">
        {rows.length === 0 ? t('list.empty') : t('list.showing', { count: rows.length, page: query.after.length + 1 })}
      </p>
      {rows.length > 0 && <RequestTable rows={rows} caption={caption} sorting={sorting} {...(rowAction !== undefined ? { rowAction } : {})} />}
      <Pager query={query} nextCursor={list.data.nextCursor} pathname={pathname} />
    </>
  );
}
