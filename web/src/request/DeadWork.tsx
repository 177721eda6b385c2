/** Work that gave up (dead outbox rows): retry once the cause is fixed, or skip with a reason. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { formatDateTime } from '../format';
import { t } from '../i18n/t';
import { canAct, useSession } from '../session';
import { deadWork, type DeadWork as Dead } from './dead-work';
import { refreshRequest, retryEffect, skipEffect } from './queries';
import type { RequestDetail } from './types';

export function DeadWork({ request }: { request: RequestDetail }) {
  const session = useSession();
  const [status, setStatus] = useState('');
  const dead = deadWork(request.timeline);
  if (dead.length === 0 && status === '') return null;
  return (
    <section aria-labelledby="dead-heading" className="dead-work">
      <h2 id="dead-heading">{t('request.section.deadWork')}</h2>
      {dead.length > 0 ? <p>{t('request.dead.intro')}</p> : null}
      <ul>
        {dead.map((d) => (
          <DeadItem key={d.outboxId} dead={d} requestId={request.id} canAct={canAct(session)} timeZone={session.timeZone} onStatus={setStatus} />
        ))}
      </ul>
      <p role="status">{status}</p>
    </section>
  );
}

function DeadItem({ dead, requestId, canAct, timeZone, onStatus }: { dead: Dead; requestId: string; canAct: boolean; timeZone: string | null; onStatus: (s: string) => void }) {
  const client = useQueryClient();
  const id = useId();
  const [skipping, setSkipping] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (skipping) field.current?.focus();
  }, [skipping]);

  async function act(what: 'retry' | 'skip') {
    setBusy(true);
    setError('');
    try {
      if (what === 'retry') await retryEffect(requestId, dead.outboxId);
      else await skipEffect(requestId, dead.outboxId, note);
      await refreshRequest(client, requestId);
      onStatus(t(what === 'retry' ? 'request.dead.retried' : 'request.dead.skipped'));
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.errors?.[0]?.message ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act('skip');
  };

  return (
    <li>
      <p>
        <strong>{t('request.dead.item', { job: dead.job, reason: dead.reason })}</strong>{' '}
        <span className="muted">{t('request.dead.at', { at: formatDateTime(dead.at, timeZone) })}</span>
      </p>
      {canAct ? (
        <div className="button-row">
          <button type="button" disabled={busy} onClick={() => void act('retry')}>{t('request.dead.retry')}</button>
          <button type="button" aria-expanded={skipping} disabled={busy} onClick={() => setSkipping((s) => !s)}>{t('request.dead.skip')}</button>
        </div>
      ) : null}
      {skipping ? (
        <form onSubmit={submit} className="action-form" noValidate>
          <div className="field">
            <label htmlFor={`${id}-note`}>{t('request.dead.skipWhy')}</label>
            <textarea id={`${id}-note`} ref={field} rows={2} value={note} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => setNote(e.target.value)} />
            {error ? <span id={`${id}-error`} className="field-error">{error}</span> : null}
          </div>
          <div className="button-row">
            <button type="submit" disabled={busy}>{t('request.dead.confirmSkip')}</button>
            <button type="button" onClick={() => setSkipping(false)}>{t('request.action.dismiss')}</button>
          </div>
        </form>
      ) : error ? (
        <p className="field-error" role="alert">{error}</p>
      ) : null}
    </li>
  );
}
