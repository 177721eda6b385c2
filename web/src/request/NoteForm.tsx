/** A note on the request: into the audit trail, no change of state or version. */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { t } from '../i18n/t';
import { postNote, refreshRequest } from './queries';

export function NoteForm({ requestId }: { requestId: string }) {
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    setStatus('');
    try {
      await postNote(requestId, note);
      setNote('');
      setStatus(t('request.note.added'));
      await refreshRequest(client, requestId);
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.errors?.[0]?.message ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="note-heading">
      <h2 id="note-heading">{t('request.section.note')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="request-note">{t('request.note.label')}</label>
          <textarea id="request-note" rows={3} value={note} aria-invalid={error ? true : undefined} aria-describedby={error ? 'request-note-error' : undefined} onChange={(e) => setNote(e.target.value)} />
          {error ? <span id="request-note-error" className="field-error">{error}</span> : null}
        </div>
        <button type="submit" disabled={busy}>{t('request.note.add')}</button>
        <p role="status">{status}</p>
      </form>
    </section>
  );
}
