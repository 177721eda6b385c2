/**
 * Where the e-mailed sign-in link lands (/patron/:library/sign-in/:token): the token is spent
 * once (POST /patron/session/link), then the patron's page opens. A used or expired link says
 * so and offers a new one.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useNavigate, useParams } from 'react-router';
import { patronApi, problemCode, SESSION_KEY, useLibrary, type PatronLibrary } from './api';
import { useWords } from './i18n';
import { LibraryProblem } from './LibraryProblem';
import { Failed, Loading, PatronLayout, usePageTitle } from './PatronLayout';
import { SignInForm } from './SignInForm';

export function SignInLinkPage() {
  const { library: symbol = '', token = '' } = useParams();
  const library = useLibrary(symbol);
  return (
    <PatronLayout library={library.data}>
      {library.isError ? <LibraryProblem error={library.error} onRetry={() => void library.refetch()} /> : !library.data ? <Loading /> : <Content library={library.data} token={token} />}
    </PatronLayout>
  );
}

function Content({ library, token }: { readonly library: PatronLibrary; readonly token: string }) {
  const { t } = useWords();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  usePageTitle(t('signIn.linkTitle'), library.name);
  const spend = useMutation({
    mutationFn: patronApi.linkSignIn,
    onSuccess: (session) => {
      queryClient.setQueryData(SESSION_KEY, session);
      void navigate(`/patron/${encodeURIComponent(library.symbol)}`, { replace: true });
    },
  });
  // A token works once: React's development double effects must not spend it twice.
  const spent = useRef(false);
  useEffect(() => {
    if (spent.current) return;
    spent.current = true;
    spend.mutate(token);
  }, [spend, token]);
  const code = problemCode(spend.error);
  return (
    <>
      <h1>{t('signIn.linkTitle')}</h1>
      {!spend.isError ? (
        <Loading />
      ) : code === 'link_invalid' || code === 'link_expired' ? (
        <>
          <p className="patron-problem" role="alert">
            {code === 'link_expired' ? t('signIn.linkExpired') : t('signIn.linkInvalid')}
          </p>
          {library.signIn && <SignInForm library={library} heading={t('signIn.linkNew')} />}
        </>
      ) : (
        <Failed onRetry={() => spend.mutate(token)} />
      )}
    </>
  );
}
