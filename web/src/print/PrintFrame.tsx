/**
 * The frame of a print page: its heading, the paper size (A4 or US Letter, kept in the URL as
 * ?paper=letter), what is about to print, and the Print button. When printing only the sheets
 * show (print.css hides the app's chrome and this toolbar).
 */
import type { ReactNode } from 'react';
import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { ProblemMessage } from '../components/ProblemMessage';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import './print.css';

export type Paper = 'a4' | 'letter';

export function usePaper(): [Paper, (paper: Paper) => void] {
  const [search, setSearch] = useSearchParams();
  const paper: Paper = search.get('paper') === 'letter' ? 'letter' : 'a4';
  const choose = (next: Paper) =>
    setSearch(
      (previous) => {
        const params = new URLSearchParams(previous);
        if (next === 'a4') params.delete('paper');
        else params.set('paper', next);
        return params;
      },
      { replace: true },
    );
  return [paper, choose];
}

export type PrintState = { readonly kind: 'loading' } | { readonly kind: 'failed'; readonly error: unknown; readonly retry: () => void } | { readonly kind: 'nothing'; readonly message: string } | { readonly kind: 'ready'; readonly summary: string };

interface Props {
  readonly title: string;
  readonly state: PrintState;
  readonly children?: ReactNode;
}

export function PrintFrame({ title, state, children }: Props) {
  const [paper, setPaper] = usePaper();
  const paperId = useId();
  useTitle(title);
  return (
    <main className={`print-page paper-${paper}`}>
      <div className="print-toolbar">
        <h1>{title}</h1>
        <div className="print-controls">
          <label htmlFor={paperId}>{t('print.paper')}</label>
          <select id={paperId} value={paper} onChange={(event) => setPaper(event.target.value === 'letter' ? 'letter' : 'a4')}>
            <option value="a4">{t('print.paper.a4')}</option>
            <option value="letter">{t('print.paper.letter')}</option>
          </select>
          <button type="button" className="primary" disabled={state.kind !== 'ready'} onClick={() => window.print()}>
            {t('print.print')}
          </button>
        </div>
        <p role="status" aria-live="polite" className="print-summary">
          {state.kind === 'loading' ? t('print.loading') : state.kind === 'ready' ? `${state.summary} ${t('print.hint')}` : state.kind === 'nothing' ? state.message : ''}
        </p>
        {state.kind === 'failed' && <ProblemMessage error={state.error} onRetry={state.retry} />}
      </div>
      {state.kind === 'ready' && <div className="sheets">{children}</div>}
    </main>
  );
}
