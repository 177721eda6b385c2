/**
 * The scan box: a barcode scanner types the barcode and presses Enter. One match opens the
 * request with its next action focused; several give a short chooser; none says so and keeps the
 * text selected, so the next scan replaces it. "/" (outside a field) or Alt+K focuses it from anywhere.
 */
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { stateLabel } from '../format';
import { t } from '../i18n/t';
import { problemText } from '../components/ProblemMessage';
import { fetchRequests, type RequestRow } from '../components/requests';
import { titleOf } from '../components/requestRow';

const CHOOSER_LIMIT = 10;

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'looking'; readonly text: string }
  | { readonly kind: 'none'; readonly text: string }
  | { readonly kind: 'several'; readonly text: string; readonly rows: readonly RequestRow[] }
  | { readonly kind: 'failed'; readonly detail: string };

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function ScanBox() {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
      const altK = event.altKey && event.code === 'KeyK';
      if (!slash && !altK) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = input.current?.value.trim() ?? '';
    if (!text) return;
    setOutcome({ kind: 'looking', text });
    try {
      const page = await fetchRequests({ barcode: text, limit: CHOOSER_LIMIT });
      if (page.items.length === 1) {
        setOutcome({ kind: 'idle' });
        if (input.current) input.current.value = '';
        void navigate(`/requests/${page.items[0]!.id}?focus=next`);
      } else if (page.items.length === 0) {
        setOutcome({ kind: 'none', text });
        input.current?.select();
      } else {
        setOutcome({ kind: 'several', text, rows: page.items });
      }
    } catch (error) {
      setOutcome({ kind: 'failed', detail: problemText(error) });
      input.current?.select();
    }
  };

  const closeChooser = () => {
    setOutcome({ kind: 'idle' });
    input.current?.focus();
  };
  // Escape anywhere in the scan box closes the chooser and returns to the field.
  const onChooserKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && outcome.kind === 'several') closeChooser();
  };
  const chose = () => {
    setOutcome({ kind: 'idle' });
    if (input.current) input.current.value = '';
  };

  const message =
    outcome.kind === 'looking'
      ? t('shell.scan.looking', { text: outcome.text })
      : outcome.kind === 'none'
        ? t('shell.scan.none', { text: outcome.text })
        : outcome.kind === 'several'
          ? t('shell.scan.several', { text: outcome.text, count: outcome.rows.length })
          : outcome.kind === 'failed'
            ? t('common.error', { detail: outcome.detail })
            : '';

  return (
    <div className="scan" onKeyDown={onChooserKey}>
      <form role="search" aria-label={t('shell.scan.label')} onSubmit={(e) => void submit(e)} className="scan-form">
        <label htmlFor={`${id}-scan`}>{t('shell.scan.label')}</label>
        <div className="scan-row">
          <input
            ref={input}
            id={`${id}-scan`}
            type="search"
            name="scan"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-hint ${id}-outcome`}
            aria-keyshortcuts="/ Alt+K"
          />
          <button type="submit">{t('shell.scan.submit')}</button>
        </div>
        <span id={`${id}-hint`} className="hint">
          {t('shell.scan.hint')}
        </span>
      </form>
      <p id={`${id}-outcome`} role="status" aria-live="polite" className={outcome.kind === 'none' || outcome.kind === 'failed' ? 'scan-outcome bad' : 'scan-outcome'}>
        {message}
      </p>
      {outcome.kind === 'several' && (
        <div className="scan-chooser">
          <ul aria-label={t('shell.scan.choose')}>
            {outcome.rows.map((row) => (
              <li key={row.id}>
                <Link to={`/requests/${row.id}?focus=next`} onClick={chose}>
                  {titleOf(row) ?? t('list.untitled')}
                </Link>{' '}
                <span className="muted">
                  {t(`queues.group.${row.role}`)} · {stateLabel(row.role, row.state)} · {row.requestingAgencyRequestId}
                </span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={closeChooser}>
            {t('shell.scan.close')}
          </button>
        </div>
      )}
    </div>
  );
}
