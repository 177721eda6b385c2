/**
 * First run: the first administrator, made with the one-time code from the server's start-up log
 * (POST /setup); the new administrator is signed in and sees the queues.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { TextField } from '../components/TextField';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { SESSION_KEY } from '../shell/session';

interface SetupBody {
  code: string;
  username: string;
  displayName: string;
  email?: string;
  password: string;
}

export function SetupPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['setup'], queryFn: async () => unwrap(await api.GET('/setup')), staleTime: 0 });
  const [mismatch, setMismatch] = useState(false);
  const setup = useMutation({
    mutationFn: async (body: SetupBody) => unwrap(await api.POST('/setup', { body })),
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, session);
      void navigate('/', { replace: true });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    const differ = value('password') !== value('password2');
    setMismatch(differ);
    if (differ) return;
    const email = value('email').trim();
    setup.mutate({ code: value('code').trim(), username: value('username').trim(), displayName: value('displayName').trim(), ...(email ? { email } : {}), password: value('password') });
  };

  const done = status.data?.setupNeeded === false || (setup.error instanceof ApiError && setup.error.status === 409);
  useTitle(t('setup.title'));
  return (
    <main id="main" className="narrow">
      <h1>{t('setup.title')}</h1>
      {done ? (
        <p className="notice">
          {t('setup.done')} <Link to="/sign-in">{t('setup.toSignIn')}</Link>
        </p>
      ) : (
        <>
          <p>{t('setup.intro')}</p>
          <form onSubmit={submit} className="stacked" noValidate>
            <TextField label={t('setup.code')} name="code" hint={t('setup.codeHint')} required autoComplete="off" spellCheck={false} error={setup.error} />
            <TextField label={t('setup.username')} name="username" hint={t('setup.usernameHint')} required autoComplete="username" autoCapitalize="none" spellCheck={false} error={setup.error} />
            <TextField label={t('setup.displayName')} name="displayName" hint={t('setup.displayNameHint')} required autoComplete="name" error={setup.error} />
            <TextField label={t('setup.email')} name="email" type="email" autoComplete="email" error={setup.error} />
            <TextField label={t('setup.password')} name="password" type="password" hint={t('setup.passwordHint')} required autoComplete="new-password" error={setup.error} />
            <TextField label={t('setup.password2')} name="password2" type="password" required autoComplete="new-password" message={mismatch ? t('setup.mismatch') : undefined} />
            {setup.isError &&
              (setup.error instanceof ApiError && setup.error.status === 403 ? (
                <p role="alert" className="problem">
                  {t('setup.wrongCode')}
                </p>
              ) : (
                <ProblemMessage error={setup.error} inForm />
              ))}
            <button type="submit" disabled={setup.isPending}>
              {setup.isPending ? t('setup.busy') : t('setup.submit')}
            </button>
          </form>
        </>
      )}
    </main>
  );
}
