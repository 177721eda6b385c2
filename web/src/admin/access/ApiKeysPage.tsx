/** /admin/api-keys: the keys (never the keys themselves), making one (shown once, with a copy button) and revoking. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ScrollTable } from '../../components/ScrollTable';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { DateTime } from '../../components/Time';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { BackToAdmin, isAdmin } from '../AdminIndex';

type ApiKey = paths['/api-keys']['get']['responses'][200]['content']['application/json'][number];
type NewKey = paths['/api-keys']['post']['requestBody']['content']['application/json'];
type MadeKey = paths['/api-keys']['post']['responses'][201]['content']['application/json'];
const KEYS_KEY = ['api-keys'] as const;
const ROLES = ['staff', 'read-only', 'admin'] as const;

function MadeKeyPanel({ made, onDismiss }: { readonly made: MadeKey; readonly onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | ''>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.key);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section className="notice made-key" aria-labelledby="made-key">
      <h2 id="made-key">{t('keys.madeTitle', { name: made.name })}</h2>
      <p>{t('keys.madeText')}</p>
      <p>
        <code className="secret-once" data-testid="made-key">
          {made.key}
        </code>
      </p>
      <p className="row-buttons">
        <button type="button" onClick={() => void copy()}>
          {t('keys.copy')}
        </button>
        <button type="button" onClick={onDismiss}>
          {t('keys.dismiss')}
        </button>
      </p>
      <p role="status" aria-live="polite">
        {copied === 'yes' ? t('keys.copied') : copied === 'failed' ? t('keys.copyFailed') : ''}
      </p>
    </section>
  );
}

function MakeKey({ onMade }: { readonly onMade: (made: MadeKey) => void }) {
  const session = useSession();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const queryClient = useQueryClient();
  const make = useMutation({
    mutationFn: async (body: NewKey) => unwrap(await api.POST('/api-keys', { body })),
    onSuccess: (made) => {
      form.current?.reset();
      onMade(made);
      void queryClient.invalidateQueries({ queryKey: KEYS_KEY });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const library = session.user.library ?? value('library');
    make.mutate({ name: value('name'), role: value('role') as NewKey['role'], ...(library ? { library } : {}) });
  };
  return (
    <form ref={form} onSubmit={submit} className="stacked" noValidate aria-labelledby={`${id}-make`}>
      <h2 id={`${id}-make`}>{t('keys.create')}</h2>
      <TextField label={t('keys.name')} name="name" hint={t('keys.nameHint')} required autoComplete="off" error={make.error} />
      <SelectField label={t('keys.role')} name="role" value="staff" options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
      {session.user.library === null && <TextField label={t('keys.library')} name="library" autoComplete="off" spellCheck={false} error={make.error} />}
      {make.isError && <ProblemMessage error={make.error} inForm />}
      <button type="submit" disabled={make.isPending}>
        {t('keys.createSubmit')}
      </button>
    </form>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: KEYS_KEY, queryFn: async () => unwrap(await api.GET('/api-keys')) });
  const [made, setMade] = useState<MadeKey | undefined>();
  const [message, setMessage] = useState('');
  const revoke = useMutation({
    mutationFn: async (key: ApiKey) => unwrap(await api.DELETE('/api-keys/{id}', { params: { path: { id: key.id } } })),
    onSuccess: (key) => {
      setMessage(t('keys.revoked', { name: key.name }));
      void queryClient.invalidateQueries({ queryKey: KEYS_KEY });
    },
  });
  const ask = (key: ApiKey) => {
    if (window.confirm(t('keys.revokeConfirm', { name: key.name }))) revoke.mutate(key);
  };
  return (
    <>
      {made && <MadeKeyPanel made={made} onDismiss={() => setMade(undefined)} />}
      <p role="status" aria-live="polite">
        {message}
      </p>
      {keys.isPending && <p>{t('common.loading')}</p>}
      {keys.isError && <ProblemMessage error={keys.error} onRetry={() => void keys.refetch()} />}
      {revoke.isError && <ProblemMessage error={revoke.error} />}
      {keys.data && (
        <ScrollTable label={t('keys.table')} columns={[t('keys.col.name'), t('keys.col.role'), t('keys.col.library'), t('keys.col.prefix'), t('keys.col.created'), t('keys.col.lastUsed'), t('keys.col.revoked'), t('keys.col.actions')]}>
          {keys.data.map((key) => (
            <tr key={key.id}>
              <td>{key.name}</td>
              <td>{t(`role.${key.role}`)}</td>
              <td>{key.library ?? t('account.allLibraries')}</td>
              <td>
                <code>{key.prefix}</code>
              </td>
              <td>
                <DateTime value={key.createdAt} />
              </td>
              <td>{key.lastUsedAt ? <DateTime value={key.lastUsedAt} /> : t('keys.never')}</td>
              <td>{key.revokedAt ? <DateTime value={key.revokedAt} /> : t('keys.notRevoked')}</td>
              <td>
                {!key.revokedAt && (
                  <button type="button" onClick={() => ask(key)} disabled={revoke.isPending}>
                    {t('keys.revoke', { name: key.name })}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <MakeKey onMade={setMade} />
    </>
  );
}

export function ApiKeysPage() {
  const session = useSession();
  useTitle(t('keys.title'));
  return (
    <main id="main" tabIndex={-1}>
      <BackToAdmin />
      <h1>{t('keys.title')}</h1>
      {isAdmin(session.user.role) ? <ApiKeys /> : <p className="notice">{t('admin.adminsOnly')}</p>}
    </main>
  );
}
