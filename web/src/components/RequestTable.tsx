/**
 * The one table of requests (queues and search): sortable headers (aria-sort), rows linking to the
 * request, and the queue's row action as a button. An action that needs a form (ship: barcode and
 * due date) is a link to the request page with that action focused instead.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import type { Selection } from '../bulk/selection';
import { actionLabel, stateLabel } from '../format';
import type { MessageKey } from '../i18n/en';
import { t } from '../i18n/t';
import { canAct, useSession } from '../session';
import { type Sort, type SortField, sortDirection, toggleSort } from './listQuery';
import { problemText } from './ProblemMessage';
import type { RequestRow } from './requests';
import { authorOf, titleOf, whoOf } from './requestRow';
import { Age, DateOnly, DateTime } from './Time';

/** Actions whose parameters staff give on the request page (CONTRACTS.md: "ship with a due date"). */
const NEEDS_FORM = new Set(['ship', 'approve_renewal', 'add_conditions', 'cannot_supply', 'offer_retry', 'accept_retry', 'edit_patron', 'rerequest', 'supply_copy']);

export interface SortState {
  readonly sort: Sort | undefined;
  readonly fallback: Sort;
  readonly hrefFor: (sort: Sort) => string;
}

interface Props {
  readonly rows: readonly RequestRow[];
  readonly caption: string;
  readonly sorting: SortState;
  /** The queue's most frequent action, offered on each row that has it. */
  readonly rowAction?: string | null;
  /** Rows can be ticked for batch work (a checkbox per row and one for the page). */
  readonly selection?: Selection;
}

/** The page's "select all": ticked when every row is, mixed when some are. */
function SelectPage({ rows, selection }: { readonly rows: readonly RequestRow[]; readonly selection: Selection }) {
  const ref = useRef<HTMLInputElement>(null);
  const ticked = rows.filter((r) => selection.has(r.id)).length;
  const all = ticked === rows.length && rows.length > 0;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = ticked > 0 && !all;
  }, [ticked, all]);
  return <input ref={ref} type="checkbox" aria-label={t('bulk.selectPage')} checked={all} onChange={() => selection.setAll(rows, !all)} />;
}

function SortHeader({ field, label, sorting, invert = false }: { readonly field: SortField; readonly label: MessageKey; readonly sorting: SortState; readonly invert?: boolean }) {
  const direction = sortDirection(sorting.sort, field, sorting.fallback);
  // Age grows as createdAt falls: the column says which way its own values run.
  const shown = direction && invert ? (direction === 'ascending' ? 'descending' : 'ascending') : direction;
  const next = toggleSort(sorting.sort, field, sorting.fallback);
  return (
    <th scope="col" aria-sort={shown ?? 'none'}>
      <Link to={sorting.hrefFor(next)} className="sort-link">
        {t(label)}
        <span aria-hidden="true" className="sort-mark">
          {shown === 'ascending' ? ' ▲' : shown === 'descending' ? ' ▼' : ' ↕'}
        </span>
        <span className="visually-hidden">{shown ? `, ${t(shown === 'ascending' ? 'list.sorted.asc' : 'list.sorted.desc')}` : ''}</span>
      </Link>
    </th>
  );
}

export function RequestTable({ rows, caption, sorting, rowAction, selection }: Props) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ readonly text: string; readonly bad: boolean } | undefined>();
  const statusRef = useRef<HTMLParagraphElement>(null);
  const act = useMutation({
    mutationFn: async ({ row, action }: { readonly row: RequestRow; readonly action: string }) =>
      unwrap(await api.POST('/requests/{id}/actions', { params: { path: { id: row.id } }, body: { action, version: row.version } })),
    onSettled: (_data, error, { row, action }) => {
      const title = titleOf(row) ?? t('list.untitled');
      if (!error) setMessage({ text: t('list.done', { action: actionLabel(action), title }), bad: false });
      else if (error instanceof ApiError && error.status === 409) setMessage({ text: t('list.changed', { title }), bad: true });
      else setMessage({ text: t('list.actionFailed', { action: actionLabel(action).toLowerCase(), title, detail: problemText(error) }), bad: true });
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
      void queryClient.invalidateQueries({ queryKey: ['request', row.id] });
      // The row may leave this queue: focus goes to the outcome, not to the page's start.
      statusRef.current?.focus();
    },
  });
  const showActions = rowAction !== undefined && rowAction !== null;
  return (
    <>
      <p ref={statusRef} tabIndex={-1} role="status" aria-live="polite" className={message?.bad ? 'list-status bad' : 'list-status'}>
        {message?.text ?? ''}
      </p>
      <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
        <table className="request-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {selection && (
                <th scope="col" className="select-cell">
                  <SelectPage rows={rows} selection={selection} />
                </th>
              )}
              <th scope="col">{t('list.col.number')}</th>
              <th scope="col">{t('list.col.title')}</th>
              <th scope="col">{t('list.col.who')}</th>
              <th scope="col">{t('list.col.partner')}</th>
              <th scope="col">{t('list.col.state')}</th>
              <SortHeader field="needBefore" label="list.col.needBefore" sorting={sorting} />
              <SortHeader field="createdAt" label="list.col.age" sorting={sorting} invert />
              <SortHeader field="updatedAt" label="list.col.updated" sorting={sorting} />
              {showActions && <th scope="col">{t('list.col.action')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const title = titleOf(row) ?? t('list.untitled');
              const author = authorOf(row);
              const offered = showActions && row.actions.includes(rowAction) && canAct(session);
              const busy = act.isPending && act.variables.row.id === row.id;
              return (
                <tr key={row.id} className={row.needsAttention ? 'attention' : undefined}>
                  {selection && (
                    <td className="select-cell">
                      <input type="checkbox" aria-label={t('bulk.select', { title })} checked={selection.has(row.id)} onChange={() => selection.toggle(row)} />
                    </td>
                  )}
                  <td className="number-cell">{row.requestNumber}</td>
                  <td>
                    <Link to={`/requests/${row.id}`}>{title}</Link>
                    {author && <div className="muted">{t('list.by', { author })}</div>}
                  </td>
                  <td>{whoOf(row)}</td>
                  <td>{row.partner ?? ''}</td>
                  <td>
                    {stateLabel(row.role, row.state)}
                    {row.needsAttention && <strong className="flag"> {t('list.attention')}</strong>}
                  </td>
                  <td>
                    <DateOnly value={row.data.neededBy} />
                  </td>
                  <td>
                    <Age since={row.createdAt} />
                  </td>
                  <td>
                    <DateTime value={row.updatedAt} />
                  </td>
                  {showActions && (
                    <td>
                      {offered &&
                        (NEEDS_FORM.has(rowAction) ? (
                          <Link className="button-link" to={`/requests/${row.id}?focus=next`} aria-label={t('list.actionFor', { action: t('list.openToAct', { action: actionLabel(rowAction) }), title })}>
                            {t('list.openToAct', { action: actionLabel(rowAction) })}
                          </Link>
                        ) : (
                          <button
                            type="button"
                            aria-label={t('list.actionFor', { action: actionLabel(rowAction), title })}
                            aria-disabled={busy}
                            aria-busy={busy}
                            onClick={() => !busy && act.mutate({ row, action: rowAction })}
                          >
                            {busy ? t('list.acting') : actionLabel(rowAction)}
                          </button>
                        ))}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
