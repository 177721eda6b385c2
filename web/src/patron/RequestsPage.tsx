/**
 * The patron's own page (/patron/:library): their requests, newest first, with what they can do
 * now (cancel before it is sent, ask for more time while on loan); the sign-in form when they are
 * not signed in. What just happened (sent, cancelled, renewal asked) is announced in a live region.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { patronApi, problemCode, REQUESTS_KEY, SESSION_KEY, useLibrary, useSession, type PatronLibrary, type PatronRequest, type PatronSession } from './api';
import { useWords } from './i18n';
import { LibraryProblem } from './LibraryProblem';
import { Failed, LiveRegion, Loading, PatronLayout, usePageTitle } from './PatronLayout';
import { RequestCard } from './RequestCard';
import { BlockedNotice } from './RequestForm';
import { SignInForm } from './SignInForm';

export function RequestsPage() {
  const symbol = useParams().library ?? '';
  const library = useLibrary(symbol);
  const { session, isPending } = useSession(symbol);
  return (
    <PatronLayout library={library.data} session={session}>
      {library.isError ? <LibraryProblem error={library.error} onRetry={() => void library.refetch()} /> : !library.data || isPending ? <Loading /> : <Content library={library.data} session={session} />}
    </PatronLayout>
  );
}

function Content({ library, session }: { readonly library: PatronLibrary; readonly session: PatronSession | null }) {
  const { t } = useWords();
  const location = useLocation();
  const state = location.state as { sent?: string; signedOut?: boolean } | null;
  usePageTitle(t('page.myRequests'), library.name);
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state?.sent) h1.current?.focus();
  }, [state?.sent]);
  return (
    <>
      <h1 ref={h1} tabIndex={-1}>
        {t('page.myRequests')}
      </h1>
      {!session ? (
        <>
          {state?.signedOut && <p role="status">{t('page.signedOut')}</p>}
          {library.signIn ? <SignInForm library={library} heading={t('signIn.title')} intro={t('signIn.intro')} /> : <p className="patron-notice">{t('page.notAccepting', { library: library.name })}</p>}
        </>
      ) : (
        <SignedIn library={library} session={session} sent={state?.sent} />
      )}
    </>
  );
}

function SignedIn({ library, session, sent }: { readonly library: PatronLibrary; readonly session: PatronSession; readonly sent: string | undefined }) {
  const { t } = useWords();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | undefined>(sent ? t('requests.sent', { number: sent }) : undefined);
  const requests = useQuery({
    queryKey: REQUESTS_KEY,
    queryFn: patronApi.requests,
    // No live events for patrons: a page left open catches up now and then, and when looked at again.
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
  useEffect(() => {
    if (requests.error instanceof ApiError && requests.error.status === 401) queryClient.setQueryData(SESSION_KEY, null);
  }, [requests.error, queryClient]);
  return (
    <>
      <LiveRegion message={message} />
      {session.blocked && <BlockedNotice session={session} />}
      {library.acceptsRequests && !session.blocked && (
        <p>
          <Link to={`/openurl/${encodeURIComponent(library.symbol)}`} className="patron-button-link">
            {t('page.newRequest')}
          </Link>
        </p>
      )}
      {requests.isPending ? (
        <Loading />
      ) : requests.isError ? (
        <Failed onRetry={() => void requests.refetch()} />
      ) : requests.data.items.length === 0 ? (
        <p>{t('requests.none')}</p>
      ) : (
        <ul className="patron-requests">
          {requests.data.items.map((request) => (
            <li key={request.id}>
              <RequestCard request={request}>
                <Actions request={request} onDone={setMessage} />
              </RequestCard>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Actions({ request, onDone }: { readonly request: PatronRequest; readonly onDone: (message: string) => void }) {
  const { t } = useWords();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const cancelButton = useRef<HTMLButtonElement>(null);
  const yesButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) yesButton.current?.focus();
  }, [confirming]);
  const act = useMutation({
    mutationFn: (action: 'cancel' | 'renew') => (action === 'cancel' ? patronApi.cancel(request.id) : patronApi.renew(request.id)),
    onSuccess: (updated, action) => {
      setProblem(undefined);
      setConfirming(false);
      queryClient.setQueryData<{ items: PatronRequest[] }>(REQUESTS_KEY, (old) => old && { items: old.items.map((r) => (r.id === updated.id ? updated : r)) });
      void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      onDone(action === 'cancel' ? t('requests.cancelled', { number: request.requestNumber }) : t('requests.renewalAsked', { number: request.requestNumber }));
    },
    onError: (error, action) => {
      setConfirming(false);
      const code = problemCode(error);
      if (code === 'not_cancellable' || (action === 'cancel' && error instanceof ApiError && error.status === 409)) setProblem(t('errors.notCancellable'));
      else if (code === 'not_renewable' || (action === 'renew' && error instanceof ApiError && error.status === 409)) setProblem(t('errors.notRenewable'));
      else setProblem(t('page.error'));
      void queryClient.invalidateQueries({ queryKey: REQUESTS_KEY });
    },
  });
  if (request.actions.length === 0 && !problem) return null;
  const title = request.articleTitle ?? request.title;
  return (
    <div className="patron-request-actions">
      {problem && (
        <p className="patron-problem" role="alert">
          {problem}
        </p>
      )}
      {confirming ? (
        <div role="group" aria-label={t('requests.cancelConfirm', { title })} className="patron-confirm">
          <p>{t('requests.cancelConfirm', { title })}</p>
          <div className="patron-actions">
            <button ref={yesButton} type="button" className="patron-danger" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
              {act.isPending ? t('requests.busy') : t('requests.cancelYes')}
            </button>
            <button
              type="button"
              className="patron-secondary"
              onClick={() => {
                setConfirming(false);
                setTimeout(() => cancelButton.current?.focus(), 0);
              }}
            >
              {t('requests.cancelNo')}
            </button>
          </div>
        </div>
      ) : (
        <div className="patron-actions">
          {request.actions.includes('cancel') && (
            <button ref={cancelButton} type="button" className="patron-secondary" onClick={() => setConfirming(true)}>
              {t('requests.cancel')}
            </button>
          )}
          {request.actions.includes('renew') && (
            <button type="button" className="patron-secondary" disabled={act.isPending} onClick={() => act.mutate('renew')}>
              {act.isPending ? t('requests.busy') : t('requests.renew')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
