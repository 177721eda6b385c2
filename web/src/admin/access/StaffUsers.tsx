/** /admin/users: the staff users (GET /users) with role, library and last sign-in; adding one, disabling or enabling, and setting a temporary password. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ScrollTable } from '../../components/ScrollTable';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { DateTime } from '../../components/Time';
import { t } from '../../i18n/t';
import { useTitle } from '../../components/useTitle';
import { useSession } from '../../session';
import { BackToAdmin, isAdmin } from '../AdminIndex';

type User = paths['/users']['get']['responses'][200]['content']['application/json'][number];
type NewUser = paths['/users']['post']['requestBody']['content']['application/json'];
const USERS_KEY = ['users'] as const;
const ROLES = ['staff', 'read-only', 'admin'] as const;

function AddUser({ onDone }: { readonly onDone: (text: string) => void }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: async (body: NewUser) => unwrap(await api.POST('/users', { body })),
    onSuccess: (user) => {
      form.current?.reset();
      onDone(t('users.created', { name: user.displayName }));
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const library = session.user.library ?? value('library');
    create.mutate({
      username: value('username'),
      displayName: value('displayName'),
      role: value('role') as NewUser['role'],
      password: String(data.get('password') ?? ''),
      ...(value('email') ? { email: value('email') } : {}),
      ...(library ? { library } : {}),
    });
  };
  return (
    <form ref={form} onSubmit={submit} className="stacked" noValidate aria-labelledby={`${id}-add`}>
      <h2 id={`${id}-add`}>{t('users.create')}</h2>
      <TextField label={t('users.username')} name="username" required autoComplete="off" autoCapitalize="none" spellCheck={false} error={create.error} />
      <TextField label={t('users.displayName')} name="displayName" required autoComplete="off" error={create.error} />
      <TextField label={t('users.email')} name="email" type="email" autoComplete="off" error={create.error} />
      <SelectField label={t('users.role')} name="role" value="staff" options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
      {session.user.library === null && <TextField label={t('users.library')} name="library" autoComplete="off" spellCheck={false} error={create.error} />}
      <TextField label={t('users.password')} name="password" type="password" autoComplete="new-password" hint={t('users.passwordHint')} required error={create.error} />
      {create.isError && <ProblemMessage error={create.error} inForm />}
      <button type="submit" disabled={create.isPending}>
        {t('users.createSubmit')}
      </button>
    </form>
  );
}

function ResetPassword({ user, onDone }: { readonly user: User; readonly onDone: (text: string) => void }) {
  const reset = useMutation({
    mutationFn: async (password: string) => unwrap(await api.POST('/users/{id}/password', { params: { path: { id: user.id } }, body: { password } })),
    onSuccess: () => onDone(t('users.resetDone', { name: user.displayName })),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    reset.mutate(String(new FormData(event.currentTarget).get('password') ?? ''));
  };
  return (
    <form onSubmit={submit} className="stacked inline-form" noValidate>
      <TextField label={t('users.resetPassword', { name: user.displayName })} name="password" type="password" autoComplete="new-password" hint={t('users.resetHint', { name: user.displayName })} required error={reset.error} autoFocus />
      {reset.isError && <ProblemMessage error={reset.error} inForm />}
      <button type="submit" disabled={reset.isPending}>
        {t('users.resetSubmit')}
      </button>
    </form>
  );
}

export function StaffUsersPage() {
  const session = useSession();
  useTitle(t('admin.users'));
  return (
    <main id="main" tabIndex={-1}>
      <BackToAdmin />
      <h1>{t('admin.users')}</h1>
      {isAdmin(session.user.role) && !session.user.mustChangePassword ? <StaffUsers /> : <p className="notice">{t('admin.adminsOnly')}</p>}
    </main>
  );
}

function StaffUsers() {
  const session = useSession();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: async () => unwrap(await api.GET('/users')) });
  const [resetting, setResetting] = useState<string | undefined>();
  const [message, setMessage] = useState('');
  const toggle = useMutation({
    mutationFn: async (user: User) => unwrap(await api.PATCH('/users/{id}', { params: { path: { id: user.id } }, body: { disabled: !user.disabled } })),
    onSuccess: (user) => {
      setMessage(t(user.disabled ? 'users.disabledDone' : 'users.enabledDone', { name: user.displayName }));
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    },
  });
  const done = (text: string) => {
    setMessage(text);
    setResetting(undefined);
    void queryClient.invalidateQueries({ queryKey: USERS_KEY });
  };
  return (
    <section aria-label={t('users.title')}>
      <p role="status" aria-live="polite">
        {message}
      </p>
      {users.isPending && <p>{t('common.loading')}</p>}
      {users.isError && <ProblemMessage error={users.error} onRetry={() => void users.refetch()} />}
      {toggle.isError && <ProblemMessage error={toggle.error} />}
      {users.data && (
        <ScrollTable label={t('users.table')} columns={[t('users.col.username'), t('users.col.name'), t('users.col.role'), t('users.col.library'), t('users.col.status'), t('users.col.lastSignIn'), t('users.col.actions')]}>
          {users.data.map((user) => {
            const self = user.id === session.user.id;
            return (
              <tr key={user.id}>
                <td>
                  {user.username} {self && <span className="muted">{t('users.you')}</span>}
                </td>
                <td>{user.displayName}</td>
                <td>{t(`role.${user.role}`)}</td>
                <td>{user.library ?? t('account.allLibraries')}</td>
                <td>
                  {t(user.disabled ? 'users.disabled' : 'users.active')}
                  {user.mustChangePassword && <div className="muted">{t('users.mustChange')}</div>}
                </td>
                <td>{user.lastSignInAt ? <DateTime value={user.lastSignInAt} /> : t('users.never')}</td>
                <td>
                  {!self && (
                    <div className="row-buttons">
                      <button type="button" onClick={() => toggle.mutate(user)} disabled={toggle.isPending}>
                        {t(user.disabled ? 'users.enable' : 'users.disable', { name: user.displayName })}
                      </button>
                      <button type="button" aria-expanded={resetting === user.id} onClick={() => setResetting(resetting === user.id ? undefined : user.id)}>
                        {t('users.reset', { name: user.displayName })}
                      </button>
                    </div>
                  )}
                  {resetting === user.id && <ResetPassword user={user} onDone={done} />}
                </td>
              </tr>
            );
          })}
        </ScrollTable>
      )}
      <AddUser onDone={done} />
    </section>
  );
}
