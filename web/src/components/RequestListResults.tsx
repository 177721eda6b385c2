/**
 * What a list screen (a queue, a search) shows under its filters: loading, a problem with a way
 * to try again, how many rows this page holds, the table, and the pager.
 */
import type { ReactNode } from 'react';
import { BulkBar } from '../bulk/BulkBar';
import { CsvLink } from '../bulk/CsvLink';
import { useSelection } from '../bulk/selection';
import { canAct, useSession } from '../session';
import type { ListQuery, RequestsQuery } from './listQuery';
import { Pager } from './Pager';
import { ProblemMessage } from './ProblemMessage';
import { RequestTable, type SortState } from './RequestTable';
import type { RequestRow, useRequestList } from './requests';
import { t } from '../i18n/t';

interface Props {
  readonly list: ReturnType<typeof useRequestList>;
  readonly query: ListQuery;
  readonly pathname: string;
  readonly caption: string;
  readonly sorting: SortState;
  /** The queue's most frequent action, offered on each row that has it. */
  readonly rowAction?: string | null;
  /** The list's query without its page: what "Download CSV" exports and what the selection belongs to. */
  readonly exportQuery: RequestsQuery;
  /** More batch work on the ticked rows, in the bulk bar (e.g. printing their slips). */
  readonly bulkExtra?: (rows: readonly RequestRow[]) => ReactNode;
}

export function RequestListResults({ list, query, pathname, caption, sorting, rowAction, exportQuery, bulkExtra }: Props) {
  const session = useSession();
  const { cursor: _cursor, limit: _limit, ...listOnly } = exportQuery;
  const selection = useSelection(`${pathname}?${JSON.stringify(listOnly)}`);
  if (list.isPending) return <p role="status">{t('list.loading')}</p>;
  if (list.isError) return <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data.items;
  return (
    <>
      <div className="list-head">
        <p className="muted" aria-live="polite">
          {rows.length === 0 ? t('list.empty') : t('list.showing', { count: rows.length, page: query.after.length + 1 })}
        </p>
        {rows.length > 0 && <CsvLink query={listOnly} />}
      </div>
      <BulkBar selection={selection} canAct={canAct(session)} {...(bulkExtra ? { extra: bulkExtra } : {})} />
      {rows.length > 0 && <RequestTable rows={rows} caption={caption} sorting={sorting} selection={selection} {...(rowAction !== undefined ? { rowAction } : {})} />}
      <Pager query={query} nextCursor={list.data.nextCursor} pathname={pathname} />
    </>
  );
}
