/**
 * Everything but setup and sign-in is below this: it reads the session (GET /session), sends
 * someone who is not signed in to first-run setup or sign-in (keeping where they wanted to go),
 * sends someone with a temporary password to their account first, and provides the session.
 * A 401 from any later call (the session ended meanwhile) does the same.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { t } from '../i18n/t';
import { SessionContext } from '../session';
import { Layout } from './Layout';
import { fetchSession, SESSION_KEY, signInPath } from './session';

const isUnauthenticated = (error: unknown) => error instanceof ApiError && error.status === 401;

export function SignedIn() {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, retry: false, staleTime: 5 * 60_000 });
  const [leaving, setLeaving] = useState<unknown>();
  const wanted = `${location.pathname}${location.search}`;
  const signedOut = session.isError && isUnauthenticated(session.error);

  useEffect(() => {
    if (!signedOut) return;
    let cancelled = false;
    signInPath(wanted).then(
      (path) => {
        if (!cancelled) void navigate(path, { replace: true, state: { expired: queryClient.getQueryCache().getAll().length > 1 } });
      },
      (error: unknown) => setLeaving(error),
    );
    return () => {
      cancelled = true;
    };
    // wanted is read once, when the session is found missing.
  }, [signedOut, navigate, queryClient]);

  // Any other call answering 401: the session ended (expired, signed out elsewhere): ask again.
  useEffect(() => {
    const onError = (error: unknown) => {
      if (isUnauthenticated(error)) void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    };
    const queries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && event.query.queryKey[0] !== SESSION_KEY[0]) onError(event.action.error);
    });
    const mutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') onError(event.action.error);
    });
    return () => {
      queries();
      mutations();
    };
  }, [queryClient]);

  if (session.data) {
    if (session.data.user.mustChangePassword && location.pathname !== '/account') return <Navigate to="/account" replace />;
    return (
      <SessionContext.Provider value={session.data}>
        <Layout />
      </SessionContext.Provider>
    );
  }
  if (leaving || (session.isError && !signedOut)) {
    return (
      <main id="main">
        <h1>{t('app.title')}</h1>
        <ProblemMessage error={leaving ?? session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  return (
    <main id="main" aria-busy="true">
      <p role="status">{t('shell.checkingSession')}</p>
    </main>
  );
}
