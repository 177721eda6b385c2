/**
 * One button per action the request offers, named by the action's English label. An action with
 * parameters opens its form in place; a destructive one asks once more; the rest act at once.
 * Every post carries the version staff saw: a 409 shows what changed and offers to redo the action
 * on the request as it is now, if it still applies.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { actionLabel, stateLabel } from '../format';
import { t } from '../i18n/t';
import { ActionForm } from './ActionForm';
import { DESTRUCTIVE, fieldOfPath, formOf } from './action-forms';
import { ConflictNotice, type Conflict } from './ConflictNotice';
import { postAction, refreshRequest } from './queries';
import type { RequestDetail } from './types';

interface Props {
  readonly request: RequestDetail;
  /** The action staff usually take next in this state: the weightiest button. */
  readonly primary?: string;
  /** Focus this action's button once (a scan's `?focus=next`). */
  readonly focusAction?: string;
}

type Open = { readonly action: string; readonly mode: 'form' | 'confirm' } | undefined;

export function Actions({ request, primary, focusAction }: Props) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState<Open>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');
  const [failure, setFailure] = useState('');
  const [conflict, setConflict] = useState<Conflict>();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const focused = useRef(false);

  useEffect(() => {
    if (focused.current || focusAction === undefined) return;
    const button = buttons.current.get(focusAction);
    if (button) {
      button.focus();
      focused.current = true;
    }
  }, [focusAction, request.actions]);

  const close = (action: string) => {
    setOpen(undefined);
    setErrors({});
    // Back to the button the form came from, if it is still there.
    queueMicrotask(() => buttons.current.get(action)?.focus());
  };

  async function run(action: string, params: Record<string, unknown>, base: RequestDetail) {
    setBusy(true);
    setFailure('');
    setStatus(t('request.action.working'));
    try {
      const after = await postAction(request.id, { action, version: base.version, params });
      setOpen(undefined);
      setErrors({});
      setConflict(undefined);
      if (action === 'rerequest' && after.id !== request.id) {
        setStatus(t('request.action.rerequested'));
        navigate(`/requests/${after.id}`);
        return;
      }
      await refreshRequest(client, request.id);
      setStatus(t('request.action.done', { action: actionLabel(action), state: stateLabel(after.role, after.state) }));
    } catch (err) {
      setStatus('');
      if (err instanceof ApiError && err.status === 409) {
        await refreshRequest(client, request.id).catch(() => undefined);
        setOpen(undefined);
        setConflict({ action, params, seen: base.timeline, detail: err.message });
      } else if (err instanceof ApiError && err.status === 400 && open?.mode === 'form') {
        const fields = formOf(request.role, action) ?? [];
        const next: Record<string, string> = {};
        for (const e of err.problem.errors ?? []) {
          const field = fieldOfPath(e.path, fields) ?? '';
          next[field] = next[field] ? `${next[field]}; ${e.message}` : e.message;
        }
        if (Object.keys(next).length === 0) next[''] = err.message;
        setErrors(next);
      } else {
        setFailure(t('common.error', { detail: err instanceof Error ? err.message : String(err) }));
      }
    } finally {
      setBusy(false);
    }
  }

  function press(action: string) {
    setStatus('');
    setFailure('');
    setErrors({});
    if (formOf(request.role, action)) setOpen({ action, mode: 'form' });
    else if (DESTRUCTIVE.has(action)) setOpen({ action, mode: 'confirm' });
    else void run(action, {}, request);
  }

  const actions = request.actions;
  // An ended request offers nothing: the live region stays, so "done" is still heard.
  if (actions.length === 0 && !conflict) {
    return (
      <p role="status" className="action-status">
        {status}
      </p>
    );
  }
  return (
    <section aria-labelledby="actions-heading" className="request-actions">
      <h2 id="actions-heading">{t('request.section.actions')}</h2>
      {conflict ? (
        <ConflictNotice
          conflict={conflict}
          request={request}
          busy={busy}
          onRedo={() => void run(conflict.action, conflict.params, request)}
          onDismiss={() => setConflict(undefined)}
        />
      ) : null}
      <ul className="action-buttons">
        {actions.map((action) => {
          const expanded = open?.action === action;
          return (
            <li key={action}>
              <button
                type="button"
                ref={(el) => void (el ? buttons.current.set(action, el) : buttons.current.delete(action))}
                className={DESTRUCTIVE.has(action) ? 'danger' : action === primary ? 'primary' : undefined}
                aria-expanded={formOf(request.role, action) || DESTRUCTIVE.has(action) ? expanded : undefined}
                disabled={busy}
                onClick={() => (expanded ? close(action) : press(action))}
              >
                {actionLabel(action)}
              </button>
            </li>
          );
        })}
      </ul>
      {open?.mode === 'form' ? (
        <ActionForm
          key={open.action}
          action={open.action}
          fields={formOf(request.role, open.action) ?? []}
          busy={busy}
          errors={errors}
          onSubmit={(params) => void run(open.action, params, request)}
          onDismiss={() => close(open.action)}
        />
      ) : null}
      {open?.mode === 'confirm' ? (
        <ConfirmPanel action={open.action} busy={busy} onConfirm={() => void run(open.action, {}, request)} onDismiss={() => close(open.action)} />
      ) : null}
      <p role="status" className="action-status">{status}</p>
      {failure ? <p role="alert" className="field-error">{failure}</p> : null}
    </section>
  );
}

function ConfirmPanel({ action, busy, onConfirm, onDismiss }: { action: string; busy: boolean; onConfirm: () => void; onDismiss: () => void }) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  const label = actionLabel(action);
  return (
    <div className="action-form" role="group" aria-labelledby="confirm-text">
      <p id="confirm-text">{t('request.action.confirm', { action: label })}</p>
      <div className="button-row">
        <button type="button" ref={confirm} className="danger" disabled={busy} onClick={onConfirm}>{t('request.action.submit', { action: label })}</button>
        <button type="button" onClick={onDismiss}>{t('request.action.dismiss')}</button>
      </div>
    </div>
  );
}
