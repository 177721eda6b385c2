/**
 * The Statistics screen: one side's figures for a period (GET /statistics), every table with its
 * CSV download, and charts by month (the "By month" table is their text alternative). The URL
 * holds the query, so a report can be bookmarked and shared.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ProblemMessage } from '../components/ProblemMessage';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { useSession } from '../session';
import { MonthCharts } from './MonthCharts';
import { StatisticsTables } from './StatisticsTables';
import { csvHref, PRESETS, queryOf, type StatisticsQuery } from './query';

export function StatisticsPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const query = queryOf(params);
  useTitle(t('statistics.title'));
  const report = useQuery({
    queryKey: ['statistics', query],
    queryFn: async () => reportOf(unwrap(await api.GET('/statistics', { params: { query } }))),
  });
  return (
    <main id="main" tabIndex={-1} className="statistics">
      <h1>{t('statistics.title')}</h1>
      <p>{t('statistics.intro')}</p>
      <StatisticsForm query={query} allLibraries={session.user.library === null} onApply={(q) => setParams(new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '') as [string, string][]))} />
      <div aria-live="polite" aria-busy={report.isFetching}>
        {report.isPending && <p>{t('statistics.loading')}</p>}
        {report.isError && <ProblemMessage error={report.error} onRetry={() => void report.refetch()} />}
        {report.data && <Report report={report.data} query={query} />}
      </div>
    </main>
  );
}

/** The route can also answer CSV (Accept: text/csv); the screen asks for JSON. */
function reportOf(answer: Schemas['StatisticsReport'] | string): Schemas['StatisticsReport'] {
  if (typeof answer === 'string') throw new Error('the server answered CSV where the screen asked for JSON');
  return answer;
}

function Report({ report, query }: { readonly report: Schemas['StatisticsReport']; readonly query: StatisticsQuery }) {
  const lastDay = new Date(Date.parse(report.to) - 1).toISOString().slice(0, 10);
  return (
    <>
      <p className="statistics-showing">
        {t('statistics.showing', { role: t(`statistics.role.${report.role}`), library: report.library ?? t('statistics.library.all'), from: report.from.slice(0, 10), to: lastDay })}
      </p>
      <MonthCharts months={report.months} />
      <StatisticsTables report={report} csv={(table) => csvHref(query, table)} />
    </>
  );
}

function StatisticsForm({ query, allLibraries, onApply }: { readonly query: StatisticsQuery; readonly allLibraries: boolean; readonly onApply: (q: StatisticsQuery) => void }) {
  const [custom, setCustom] = useState(query.from !== undefined);
  const libraries = useQuery({ queryKey: ['libraries'], queryFn: async () => unwrap(await api.GET('/libraries')), enabled: allLibraries });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const period = value('period');
    onApply({
      role: value('role') === 'lending' ? 'lending' : 'borrowing',
      ...(allLibraries && value('library') ? { library: value('library') } : {}),
      ...(period === 'custom' ? { from: value('from'), to: value('to') } : { period: period as StatisticsQuery['period'] }),
    });
  };
  return (
    <form className="filters statistics-filters" onSubmit={submit} aria-label={t('statistics.filters')}>
      <div className="filter-fields">
        <div className="field">
          <label htmlFor="statistics-period">{t('statistics.period')}</label>
          <select id="statistics-period" name="period" defaultValue={custom ? 'custom' : (query.period ?? 'last-12-months')} onChange={(e) => setCustom(e.currentTarget.value === 'custom')}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {t(`statistics.period.${p}`)}
              </option>
            ))}
            <option value="custom">{t('statistics.period.custom')}</option>
          </select>
        </div>
        {custom && (
          <>
            <div className="field">
              <label htmlFor="statistics-from">{t('statistics.from')}</label>
              <input id="statistics-from" name="from" type="date" required defaultValue={query.from} />
            </div>
            <div className="field">
              <label htmlFor="statistics-to">{t('statistics.to')}</label>
              <input id="statistics-to" name="to" type="date" required defaultValue={query.to} />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="statistics-role">{t('statistics.role')}</label>
          <select id="statistics-role" name="role" defaultValue={query.role}>
            <option value="borrowing">{t('statistics.role.borrowing')}</option>
            <option value="lending">{t('statistics.role.lending')}</option>
          </select>
        </div>
        {allLibraries && (
          <div className="field">
            <label htmlFor="statistics-library">{t('statistics.library')}</label>
            {/* Remounted once the libraries are there, so that the one in the URL is selected. */}
            <select key={libraries.data ? 'loaded' : 'loading'} id="statistics-library" name="library" defaultValue={query.library ?? ''}>
              <option value="">{t('statistics.library.all')}</option>
              {(libraries.data ?? []).map((l) => (
                <option key={l.symbol} value={l.symbol}>
                  {l.name} ({l.symbol})
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <button type="submit">{t('statistics.show')}</button>
    </form>
  );
}
