/**
 * The bar over a list with ticked rows: how many are selected, the batch actions they allow
 * (mark picked, ship with one due date, mark received, check in), and while one runs its
 * progress, then each row's outcome. Each row goes through POST /requests/{id}/actions, as a
 * single row's button does. `extra` is where other batch work on the same rows plugs in
 * (printing the selected rows' slips).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { problemText } from '../components/ProblemMessage';
import type { RequestRow } from '../components/requests';
import { titleOf } from '../components/requestRow';
import { actionLabel } from '../format';
import { t } from '../i18n/t';
import { type BulkAction, type BulkOutcome, type BulkProgress, offeredBulkActions, runBulk, tally } from './runner';
import type { Selection } from './selection';

interface Props {
  readonly selection: Selection;
  /** May this person act (staff or admin)? Read-only users select for printing or nothing. */
  readonly canAct: boolean;
  readonly extra?: (rows: readonly RequestRow[]) => ReactNode;
}

interface Run {
  readonly action: BulkAction;
  readonly rows: readonly RequestRow[];
  readonly progress: BulkProgress;
  readonly finished: boolean;
}

function outcomeOf(error: unknown): BulkOutcome {
  if (error instanceof ApiError && error.status === 409) return { kind: 'changed' };
  return { kind: 'refused', reason: problemText(error) };
}

function outcomeText(outcome: BulkOutcome | undefined): string {
  if (!outcome) return t('bulk.outcome.waiting');
  if (outcome.kind === 'refused') return t('bulk.outcome.refused', { reason: outcome.reason });
  return t(`bulk.outcome.${outcome.kind}`);
}

export function BulkBar({ selection, canAct, extra }: Props) {
  const queryClient = useQueryClient();
  const [dueDate, setDueDate] = useState('');
  const [run, setRun] = useState<Run | undefined>();
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const dueId = useId();
  const rows = selection.rows;
  const running = run !== undefined && !run.finished;
  const actions = canAct ? offeredBulkActions(rows) : [];

  const start = async (action: BulkAction) => {
    const batch = [...rows];
    const params = action === 'ship' && dueDate ? { dueDate } : undefined;
    const initial: BulkProgress = { total: batch.length, finished: 0, outcomes: new Map() };
    setRun({ action, rows: batch, progress: initial, finished: false });
    const progress = await runBulk({
      rows: batch,
      action,
      perform: async (row) => unwrap(await api.POST('/requests/{id}/actions', { params: { path: { id: row.id } }, body: { action, version: row.version, ...(params ? { params } : {}) } })),
      outcomeOf,
      onProgress: (p) => setRun({ action, rows: batch, progress: p, finished: false }),
    });
    setRun({ action, rows: batch, progress, finished: true });
    selection.clear();
    void queryClient.invalidateQueries({ queryKey: ['requests'] });
    void queryClient.invalidateQueries({ queryKey: ['queues'] });
    summaryRef.current?.focus();
  };

  if (rows.length === 0 && !run) return null;
  const counts = run ? tally(run.progress.outcomes) : undefined;
  return (
    <section className="bulk-bar" aria-label={t('bulk.region')}>
      <div className="bulk-controls">
        <p className="bulk-count" aria-live="polite">
          {t('bulk.selected', { count: rows.length })}
        </p>
        {rows.length > 0 && !running && (
          <button type="button" className="secondary" onClick={selection.clear}>
            {t('bulk.clear')}
          </button>
        )}
        {actions.includes('ship') && (
          <span className="bulk-due">
            <label htmlFor={dueId}>{t('bulk.dueDate')}</label>
            <input id={dueId} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} aria-describedby={`${dueId}-hint`} disabled={running} />
            <span id={`${dueId}-hint`} className="muted">
              {t('bulk.dueDateHint')}
            </span>
          </span>
        )}
        {actions.map((action) => {
          const offered = rows.filter((r) => r.actions.includes(action)).length;
          return (
            <button key={action} type="button" aria-disabled={running} onClick={() => !running && void start(action)}>
              {t('bulk.actOn', { action: actionLabel(action), count: offered })}
            </button>
          );
        })}
        {rows.length > 0 && extra?.(rows)}
      </div>
      {run && (
        <div className="bulk-run">
          <progress max={run.progress.total} value={run.progress.finished} aria-label={t('bulk.progressLabel', { action: actionLabel(run.action) })} />
          <p ref={summaryRef} tabIndex={-1} role="status" aria-live="polite">
            {run.finished && counts
              ? t('bulk.summary', { action: actionLabel(run.action), done: counts.done, changed: counts.changed, refused: counts.refused, skipped: counts.skipped })
              : t('bulk.progress', { finished: run.progress.finished, total: run.progress.total })}
          </p>
          <details open={run.finished && counts !== undefined && counts.done < run.progress.total}>
            <summary>{t('bulk.perRow')}</summary>
            <ul className="bulk-results">
              {run.rows.map((row) => {
                const outcome = run.progress.outcomes.get(row.id);
                return (
                  <li key={row.id} className={outcome && outcome.kind !== 'done' ? 'bad' : undefined} data-outcome={outcome?.kind ?? 'waiting'}>
                    <Link to={`/requests/${row.id}`}>{titleOf(row) ?? t('list.untitled')}</Link>: {outcomeText(outcome)}
                  </li>
                );
              })}
            </ul>
          </details>
        </div>
      )}
    </section>
  );
}
