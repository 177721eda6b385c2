/**
 * One request (/requests/:id): what it asks for, its state in plain words, the rota, the
 * timeline, work that gave up, notes, and its actions. Another library's request is "not found",
 * like one that does not exist. `?focus=next` (a scan) focuses the action staff usually take next.
 */
import { useEffect, useRef } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { stateLabel } from '../format';
import { t } from '../i18n/t';
import { RequestPrintLink } from '../print/PrintLinks';
import { Actions } from '../request/Actions';
import { DeadWork } from '../request/DeadWork';
import { Details } from '../request/Details';
import { nextAction, primaryAction } from '../request/next-action';
import { NoteForm } from '../request/NoteForm';
import { useRequest } from '../request/queries';
import { LocalCopies } from '../request/LocalCopies';
import { Rota } from '../request/Rota';
import { Timeline } from '../request/Timeline';
import type { RequestDetail } from '../request/types';
import { canAct, useSession } from '../session';
import '../request/request.css';

export function RequestPage() {
  const { id = '' } = useParams();
  const query = useRequest(id);

  if (query.isPending) return <main><p role="status">{t('common.loading')}</p></main>;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <main className="request-page">
          <h1>{t('request.notFound')}</h1>
          <p>{t('request.notFoundHint')}</p>
        </main>
      );
    }
    return (
      <main className="request-page">
        <p role="alert">{t('common.error', { detail: query.error.message })}</p>
        <button type="button" onClick={() => void query.refetch()}>{t('common.retry')}</button>
      </main>
    );
  }
  return <RequestView request={query.data} />;
}

function titleOf(request: RequestDetail): string {
  const bib = request.data.bibliographic;
  return bib?.titleOfComponent ?? bib?.title ?? bib?.isbn ?? bib?.issn ?? bib?.doi ?? bib?.oclcNumber ?? t('request.untitled');
}

function RequestView({ request }: { request: RequestDetail }) {
  const session = useSession();
  const [search] = useSearchParams();
  const heading = useRef<HTMLHeadingElement>(null);
  const focusNext = search.get('focus') === 'next';
  const primary = primaryAction(request.role, request.state, request.actions);
  const next = nextAction(request.role, request.state, request.actions);
  const acting = canAct(session);

  // A page opened by hand starts at its heading; one opened by a scan at its next action.
  useEffect(() => {
    if (!focusNext || !acting || request.actions.length === 0) heading.current?.focus();
    // Only when another request is shown, not on every live update.
  }, [request.id]);

  useEffect(() => {
    document.title = `${titleOf(request)} · ${t('app.title')}`;
  }, [request]);

  return (
    <main className="request-page">
      <header className="request-header">
        <h1 ref={heading} tabIndex={-1}>{titleOf(request)}</h1>
        <p className="request-state">
          {t('request.stateLine', { role: t(`role.${request.role}`), state: stateLabel(request.role, request.state) })}
          {request.needsAttention ? <span className="badge-attention">{t('request.needsAttention')}</span> : null}
        </p>
      </header>
      {acting ? <Actions request={request} {...(primary ? { primary } : {})} {...(focusNext && next ? { focusAction: next } : {})} /> : null}
      <RequestPrintLink request={request} />
      <DeadWork request={request} />
      <Details request={request} />
      {request.role === 'requester' ? <LocalCopies local={request.data.routing?.local} /> : null}
      {request.role !== 'supplier' ? <Rota request={request} /> : null}
      {acting ? <NoteForm requestId={request.id} /> : null}
      <Timeline request={request} />
    </main>
  );
}
