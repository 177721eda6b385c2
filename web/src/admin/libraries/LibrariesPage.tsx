/** Administration: the member libraries served here, each linking to its settings. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';

export function LibrariesPage() {
  useTitle(t('libraries.title'));
  const libraries = useQuery({ queryKey: ['libraries'], queryFn: async () => unwrap(await api.GET('/libraries')) });
  return (
    <section className="admin-libraries">
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
    </section>
  );
}
