/**
 * /admin/directory-file: export (two downloads) and import in two steps: the chosen file is sent
 * as a dry run, the plan is shown (added, changed field by field, rejected with their paths),
 * and only "Apply" writes. Both steps read the server's progress (NDJSON) for a bar, since a
 * file of thousands of partners takes a while. Staff can export and see the page but not import.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ScrollTable } from '../../components/ScrollTable';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { BackToAdmin, isAdmin, ReadOnlyNotice } from '../AdminIndex';
import './directory.css';
import { importWithProgress, type ImportProgress, type Plan } from './import-stream';
import { PARTNERS_KEY } from './partners';

interface Chosen {
  readonly name: string;
  readonly format: 'yaml' | 'json';
  readonly content: string;
}

const shown = (value: unknown) => (value === null || value === undefined ? t('dirfile.empty') : typeof value === 'string' ? value : JSON.stringify(value));

function PlanView({ plan, file }: { readonly plan: Plan; readonly file: string }) {
  const [all, setAll] = useState(false);
  const entries = all ? plan.entries : plan.entries.filter((e) => e.outcome !== 'unchanged');
  return (
    <section aria-labelledby="dirfile-plan">
      <h3 id="dirfile-plan">{t(plan.applied ? 'dirfile.applied' : 'dirfile.dryRun', { name: file, ...plan.counts })}</h3>
      <p>{t('dirfile.counts', plan.counts)}</p>
      {plan.rejected.length > 0 && (
        <>
          <h4>{t('dirfile.rejected')}</h4>
          <ScrollTable label={t('dirfile.rejected')} columns={[t('dirfile.col.path'), t('dirfile.col.symbol'), t('dirfile.col.problems')]} className="rejected-entries">
            {plan.rejected.map((r) => (
              <tr key={r.path}>
                <td>
                  <code>{r.path}</code>
                </td>
                <td>{r.symbol ?? t('dirfile.empty')}</td>
                <td>
                  <ul>
                    {r.problems.map((p) => (
                      <li key={`${p.path}:${p.message}`}>
                        <code>{p.path}</code> {p.message}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </ScrollTable>
        </>
      )}
      <h4>{t('dirfile.entries')}</h4>
      {plan.counts.unchanged > 0 && (
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('dirfile.showUnchanged', { count: plan.counts.unchanged })}
        </label>
      )}
      {entries.length > 0 && (
        <ScrollTable label={t('dirfile.entries')} columns={[t('dirfile.col.path'), t('dirfile.col.kind'), t('dirfile.col.symbol'), t('dirfile.col.outcome'), t('dirfile.col.changes')]} className="planned-entries">
          {entries.map((e) => (
            <tr key={e.path}>
              <td>
                <code>{e.path}</code>
              </td>
              <td>{t(`dirfile.kind.${e.kind}`)}</td>
              <td>{e.symbol}</td>
              <td>{t(`dirfile.outcome.${e.outcome}`)}</td>
              <td>
                {e.changes.length > 0 && (
                  <ul>
                    {e.changes.map((c) => (
                      <li key={c.field}>{t('dirfile.change', { field: c.field, from: shown(c.from), to: shown(c.to) })}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </section>
  );
}

const count = (n: number) => n.toLocaleString('en-US');

/** The latest of a fast-changing value, at most once per `ms`: what a screen reader hears of a moving bar. */
function useAtMostEvery<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        setShown(value);
      },
      Math.max(0, last.current + ms - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

function ProgressView({ progress, label }: { readonly progress: ImportProgress | undefined; readonly label: string }) {
  const id = useId();
  const text = progress && progress.total > 0 ? t(`dirfile.progress.${progress.phase}`, { done: count(progress.done), total: count(progress.total) }) : label;
  const heard = useAtMostEvery(text, 1000);
  return (
    <div className="import-progress">
      <p>
        <progress aria-labelledby={id} {...(progress && progress.total > 0 ? { value: progress.done, max: progress.total } : {})} /> <span id={id}>{text}</span>
      </p>
      <p role="status" aria-live="polite" className="visually-hidden">
        {heard}
      </p>
    </div>
  );
}

function Import() {
  const id = useId();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Chosen | undefined>();
  const [progress, setProgress] = useState<ImportProgress | undefined>();
  const run = useMutation({
    mutationFn: ({ file, dryRun }: { file: Chosen; dryRun: boolean; writing?: number }) => {
      setProgress(undefined);
      return importWithProgress(file, dryRun, setProgress);
    },
    onSuccess: (plan) => {
      if (plan.applied) void queryClient.invalidateQueries({ queryKey: PARTNERS_KEY });
    },
  });
  const check = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = (new FormData(event.currentTarget).get('file') as File | null) ?? undefined;
    if (!file || !file.name) return;
    const content = await file.text();
    const format = /\.json$/i.test(file.name) || content.trimStart().startsWith('{') ? 'json' : 'yaml';
    const next = { name: file.name, format, content } as const;
    setChosen(next);
    run.mutate({ file: next, dryRun: true });
  };
  const plan = run.data;
  const writing = plan && !plan.applied ? plan.counts.added + plan.counts.changed : 0;
  const busy = run.isPending && chosen ? t(run.variables?.dryRun ? 'dirfile.checking' : 'dirfile.applying', { name: chosen.name, count: count(run.variables?.writing ?? 0) }) : '';
  return (
    <section aria-labelledby={`${id}-import`}>
      <h2 id={`${id}-import`}>{t('dirfile.import')}</h2>
      <p>{t('dirfile.importText')}</p>
      <form onSubmit={(e) => void check(e)} className="stacked" aria-busy={run.isPending}>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('dirfile.file')}</label>
          <input id={`${id}-file`} name="file" type="file" accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml" required />
        </div>
        <button type="submit" disabled={run.isPending}>
          {t('dirfile.check')}
        </button>
      </form>
      {busy && <ProgressView progress={progress} label={busy} />}
      {run.isError && <ProblemMessage error={run.error} />}
      {plan && chosen && !run.isPending && (
        <>
          <PlanView plan={plan} file={chosen.name} />
          {!plan.applied &&
            (writing > 0 ? (
              <button type="button" onClick={() => run.mutate({ file: chosen, dryRun: false, writing })}>
                {t('dirfile.apply', { count: count(writing) })}
              </button>
            ) : (
              <p>{t('dirfile.nothing')}</p>
            ))}
        </>
      )}
    </section>
  );
}

export function DirectoryFilePage() {
  const session = useSession();
  useTitle(t('dirfile.title'));
  const allLibraries = session.user.library === null;
  return (
    <main id="main" tabIndex={-1}>
      <BackToAdmin />
      <h1>{t('dirfile.title')}</h1>
      <ReadOnlyNotice />
      {allLibraries && (
        <section aria-labelledby="dirfile-export">
          <h2 id="dirfile-export">{t('dirfile.export')}</h2>
          <p>{t('dirfile.exportText')}</p>
          <p className="row-buttons">
            <a className="button-link" href="/api/v1/directory-file.yaml" download="directory.yaml">
              {t('dirfile.downloadYaml')}
            </a>
            <a className="button-link" href="/api/v1/directory-file.json" download="directory.json">
              {t('dirfile.downloadJson')}
            </a>
          </p>
        </section>
      )}
      {isAdmin(session.user.role) && allLibraries && <Import />}
    </main>
  );
}
