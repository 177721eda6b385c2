/**
 * The person's own account: details, password change, signing out everywhere (staff users are
 * managed under Administration, /admin/users).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { TextField } from '../components/TextField';
import { DateTime } from '../components/Time';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { useSession } from '../session';
import { SESSION_KEY } from '../shell/session';

function PasswordChange() {
  const queryClient = useQueryClient();
  const [mismatch, setMismatch] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const change = useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string }) => unwrap(await api.POST('/session/password', { body })),
    onSuccess: () => {
      form.current?.reset();
      // mustChangePassword is false now: the session says so once read again.
      void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? '');
    const differ = value('newPassword') !== value('newPassword2');
    setMismatch(differ);
    if (differ) return;
    change.mutate({ currentPassword: value('currentPassword'), newPassword: value('newPassword') });
  };
  return (
    <section aria-labelledby="account-password">
      <h2 id="account-password">{t('account.password')}</h2>
      <form ref={form} onSubmit={submit} className="stacked" noValidate>
        <TextField label={t('account.currentPassword')} name="currentPassword" type="password" autoComplete="current-password" required error={change.error} />
        <TextField label={t('account.newPassword')} name="newPassword" type="password" autoComplete="new-password" hint={t('account.newPasswordHint')} required error={change.error} />
        <TextField label={t('account.newPassword2')} name="newPassword2" type="password" autoComplete="new-password" required message={mismatch ? t('account.mismatch') : undefined} />
        {change.isError && <ProblemMessage error={change.error} inForm />}
        <p role="status" aria-live="polite">
          {change.isSuccess ? t('account.passwordChanged') : ''}
        </p>
        <button type="submit" disabled={change.isPending}>
          {t('account.changePassword')}
        </button>
      </form>
    </section>
  );
}

function SignOutEverywhere() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const everywhere = useMutation({
    mutationFn: async () => unwrap(await api.POST('/session/sign-out-everywhere')),
    onSuccess: () => {
      queryClient.clear();
      void navigate('/sign-in', { state: { signedOut: true } });
    },
  });
  return (
    <section aria-labelledby="account-everywhere">
      <h2 id="account-everywhere">{t('account.everywhere')}</h2>
      <p>{t('account.everywhereText')}</p>
      {everywhere.isError && <ProblemMessage error={everywhere.error} />}
      <button type="button" onClick={() => everywhere.mutate()} disabled={everywhere.isPending}>
        {t('account.signOutEverywhere')}
      </button>
    </section>
  );
}

export function AccountPage() {
  const session = useSession();
  const { user } = session;
  useTitle(t('account.title'));
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('account.title')}</h1>
      {user.mustChangePassword && (
        <p className="notice" role="alert">
          {t('account.mustChange')}
        </p>
      )}
      <section aria-labelledby="account-details">
        <h2 id="account-details">{t('account.details')}</h2>
        <dl className="details">
          <dt>{t('account.username')}</dt>
          <dd>{user.username}</dd>
          <dt>{t('account.displayName')}</dt>
          <dd>{user.displayName}</dd>
          <dt>{t('account.email')}</dt>
          <dd>{user.email ?? t('common.none')}</dd>
          <dt>{t('account.role')}</dt>
          <dd>{t(`role.${user.role}`)}</dd>
          <dt>{t('account.library')}</dt>
          <dd>{user.library ?? t('account.allLibraries')}</dd>
          <dt>{t('account.sessionEnds')}</dt>
          <dd>
            <DateTime value={session.expiresAt} />
          </dd>
        </dl>
      </section>
      <PasswordChange />
      {!user.mustChangePassword && <SignOutEverywhere />}
    </main>
  );
}
