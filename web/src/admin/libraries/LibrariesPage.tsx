/** Administration: the member libraries served here, each linking to its settings; an administrator adds one. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { BackToAdmin } from '../AdminIndex';
import { Field } from './Field';
import { fieldError } from './settings';

export function LibrariesPage() {
  useTitle(t('libraries.title'));
  const session = useSession();
  const libraries = useQuery({ queryKey: ['libraries'], queryFn: async () => unwrap(await api.GET('/libraries')) });
  return (
    <main id="main" tabIndex={-1} className="admin-libraries">
      <BackToAdmin />
      <h1>{t('libraries.title')}</h1>
      <p>{t('libraries.intro')}</p>
      {libraries.error && <ProblemMessage error={libraries.error} onRetry={() => void libraries.refetch()} />}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('libraries.symbol')}</th>
            <th scope="col">{t('libraries.name')}</th>
          </tr>
        </thead>
        <tbody>
          {(libraries.data ?? []).map((library) => (
            <tr key={library.symbol}>
              <td>
                <Link to={`/admin/libraries/${encodeURIComponent(library.symbol)}`}>{library.symbol}</Link>
              </td>
              <td>
                {library.name}
                {library.settingsProblems.length > 0 && <p className="problem">{t('libraries.problems', { count: library.settingsProblems.length })}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {session.user.role === 'admin' && <CreateLibrary />}
    </main>
  );
}

function CreateLibrary() {
  const [symbol, setSymbol] = useState('');
  const [name, setName] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/libraries', { body: { symbol: symbol.trim(), name: name.trim() } })),
    onSuccess: (library) => {
      queryClient.setQueryData(['library', library.symbol], library);
      void queryClient.invalidateQueries({ queryKey: ['libraries'], exact: true });
      void navigate(`/admin/libraries/${encodeURIComponent(library.symbol)}`);
    },
  });
  const exists = create.error instanceof ApiError && create.error.status === 409;
  return (
    <form
      aria-labelledby="create-library-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2 id="create-library-heading">{t('libraries.create')}</h2>
      <p className="admin-help">{t('libraries.createHelp')}</p>
      <div className="admin-group">
        <Field label={t('libraries.create.symbol')} help={t('libraries.create.symbolHelp')} error={exists ? t('libraries.create.exists', { symbol: symbol.trim() }) : fieldError(create.error, 'symbol')}>
          {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} required spellCheck={false} autoComplete="off" value={symbol} onChange={(e) => setSymbol(e.target.value)} />}
        </Field>
        <Field label={t('libraries.create.name')} error={fieldError(create.error, 'name')}>
          {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <div className="admin-actions">
        <button type="submit" disabled={create.isPending}>
          {t('libraries.create.submit')}
        </button>
      </div>
      <div aria-live="polite">{create.error && !exists && <ProblemMessage error={create.error} inForm />}</div>
    </form>
  );
}
