/** Sign-in: username and password (POST /session); on success, where the person wanted to go. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { TextField } from '../components/TextField';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { safeNext, SESSION_KEY } from '../shell/session';

/** Past the failed-sign-in limit: the server says how long to wait (Retry-After, seconds). */
class TooManyAttempts extends Error {
  constructor(
    readonly waitSeconds: number | undefined,
    readonly detail: string | undefined,
  ) {
    super(detail ?? 'too many attempts');
  }
}

function waitWords(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return seconds < 120 ? t('time.seconds', { n: seconds }) : t('time.minutes', { n: Math.ceil(seconds / 60) });
}

async function postSession(body: { username: string; password: string }) {
  const result = await api.POST('/session', { body });
  if (result.response.status === 429) {
    const problem = result.error as { detail?: string } | undefined;
    throw new TooManyAttempts(Number(result.response.headers.get('Retry-After')) || undefined, problem?.detail);
  }
  return unwrap(result);
}

function failure(error: unknown) {
  if (error instanceof ApiError && error.status === 401) return <p role="alert" className="problem">{t('signIn.failed')}</p>;
  if (error instanceof TooManyAttempts) {
    const wait = waitWords(error.waitSeconds);
    return (
      <div role="alert" className="problem">
        <p>{wait ? t('signIn.tooMany', { wait }) : (error.detail ?? t('signIn.tooManyNoWait'))}</p>
      </div>
    );
  }
  return <ProblemMessage error={error} />;
}

export function SignInPage() {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const setup = useQuery({ queryKey: ['setup'], queryFn: async () => unwrap(await api.GET('/setup')), staleTime: 0 });
  const state = location.state as { signedOut?: boolean; expired?: boolean } | null;
  const signIn = useMutation({
    mutationFn: postSession,
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, session);
      void navigate(safeNext(params.get('next')), { replace: true });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ username: String(form.get('username') ?? '').trim(), password: String(form.get('password') ?? '') });
  };
  useTitle(t('signIn.title'));
  return (
    <main id="main" className="narrow">
      <h1>{t('signIn.title')}</h1>
      <p className="muted">{t('app.title')}</p>
      {state?.signedOut && <p role="status">{t('signIn.signedOut')}</p>}
      {state?.expired && !state.signedOut && <p role="status">{t('signIn.expired')}</p>}
      {setup.data?.setupNeeded && (
        <p className="notice">
          {t('signIn.setupNeeded')} <Link to="/setup">{t('signIn.toSetup')}</Link>
        </p>
      )}
      <form onSubmit={submit} className="stacked" noValidate>
        <TextField label={t('signIn.username')} name="username" autoComplete="username" required autoFocus autoCapitalize="none" spellCheck={false} />
        <TextField label={t('signIn.password')} name="password" type="password" autoComplete="current-password" required />
        {signIn.isError && failure(signIn.error)}
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
