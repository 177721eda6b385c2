/**
 * On a partner's page, below its form: the peer self-test (admins: a marked test request and a
 * cancel, then the report in plain words) and how the partner's messages kept to ISO 18626 over
 * the last days (GET /partners/{symbol}/conformance).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ScrollTable } from '../../components/ScrollTable';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { formatDateTime } from '../../format';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { isAdmin } from '../AdminIndex';
import './directory.css';
import type { Partner } from './partners';

type Report = paths['/partners/{symbol}/self-test']['post']['responses'][200]['content']['application/json'];
type Check = Report['request'];
type Conformance = paths['/partners/{symbol}/conformance']['get']['responses'][200]['content']['application/json'];

/** The server's default wait (DEFAULT_WAIT_SECONDS in src/services/conformance/self-test.ts). */
const DEFAULT_WAIT_SECONDS = 10;
const MAX_WAIT_SECONDS = 120;
const TOP_DEVIATIONS = 5;

const good = (c: Check) => c.outcome === 'confirmed' && c.messageStatus === 'OK' && c.inTime && c.schemaValid === true;

function CheckRow({ check, label }: { readonly check: Check; readonly label: string }) {
  const ok = good(check);
  const deviations = [...check.warnings.map((w) => `${w.code} (${w.path}): ${w.detail}`), ...check.unknownElements.map((u) => t('selftest.unknownElement', { path: u.path }))];
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <span className={ok ? 'selftest-ok' : 'selftest-problem'}>{t(ok ? 'selftest.ok' : 'selftest.problem')}</span>
      </td>
      <td>
        <p>
          {check.outcome === 'confirmed' || check.outcome === 'error'
            ? t('selftest.confirmation', { status: check.messageStatus ?? '', ms: check.elapsedMs })
            : t(`selftest.outcome.${check.outcome}`)}
          {check.problem ? ` ${t('selftest.because', { problem: check.problem })}` : ''}
        </p>
        {deviations.length > 0 && (
          <ul>
            {deviations.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

function ReportView({ report }: { readonly report: Report }) {
  const { timeZone } = useSession();
  const id = useId();
  const raw = [report.request, report.cancel].filter((c) => c.answerXml);
  return (
    <section aria-labelledby={`${id}-report`} className="selftest-report">
      <h3 id={`${id}-report`}>{t(report.passed ? 'selftest.passed' : 'selftest.failed', { symbol: report.partner })}</h3>
      <p>{t('selftest.when', { at: formatDateTime(report.startedAt, timeZone), endpoint: report.endpoint, from: report.fromLibrary, id: report.requestingAgencyRequestId })}</p>
      <div className="table-scroll" role="region" aria-label={t('selftest.steps')} tabIndex={0}>
        <table>
          <caption className="visually-hidden">{t('selftest.steps')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('selftest.col.step')}</th>
              <th scope="col">{t('selftest.col.result')}</th>
              <th scope="col">{t('selftest.col.what')}</th>
            </tr>
          </thead>
          <tbody>
            <CheckRow check={report.request} label={t('selftest.step.request')} />
            <CheckRow check={report.cancel} label={t('selftest.step.cancel')} />
          </tbody>
        </table>
      </div>
      <h4>{t('selftest.messages')}</h4>
      {report.messages.length === 0 ? (
        <p>{t('selftest.noMessages', { seconds: report.waitSeconds })}</p>
      ) : (
        <ul>
          {report.messages.map((m) => (
            <li key={m.messageId}>
              {t('selftest.message', { at: formatDateTime(m.at, timeZone), reason: m.reasonForMessage ?? '?', status: m.status ?? '?' })}
              {m.answerYesNo ? ` ${t('selftest.answer', { answer: m.answerYesNo })}` : ''}
              {m.schemaValid ? '' : ` ${t('selftest.messageDeviates', { warnings: m.warnings.map((w) => w.code).join(', ') })}`}
            </li>
          ))}
        </ul>
      )}
      {report.messages.length > 0 && <p>{report.statusOrder.allowed ? t('selftest.orderAllowed') : t('selftest.orderNotAllowed', { problems: report.statusOrder.problems.join('; ') })}</p>}
      <p>{t(report.cancelAnswered ? 'selftest.cancelAnswered' : 'selftest.cancelNotAnswered', { seconds: report.waitSeconds })}</p>
      <h4>{t('selftest.findings')}</h4>
      <ul>
        {report.findings.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      {raw.length > 0 && (
        <details>
          <summary>{t('selftest.raw')}</summary>
          {raw.map((c) => (
            <div key={c.message}>
              <h5>{t(`selftest.rawOf.${c.message}`)}</h5>
              <pre className="raw-xml" tabIndex={0} aria-label={t(`selftest.rawOf.${c.message}`)}>
                {c.answerXml}
              </pre>
            </div>
          ))}
        </details>
      )}
    </section>
  );
}

/** A user for all libraries on a server serving several says which one sends the test; one library's user sends from it. */
function FromLibrary({ error }: { readonly error: unknown }) {
  const session = useSession();
  const libraries = useQuery({ queryKey: ['libraries'], queryFn: async () => unwrap(await api.GET('/libraries')), enabled: session.user.library === null });
  if (!libraries.data || libraries.data.length < 2) return null;
  return <SelectField label={t('selftest.from')} name="fromLibrary" options={libraries.data.map((l) => ({ value: l.symbol, label: `${l.name} (${l.symbol})` }))} error={error} />;
}

function SelfTest({ partner }: { readonly partner: Partner }) {
  const id = useId();
  const run = useMutation({
    mutationFn: async (body: { waitSeconds: number | string; fromLibrary?: string }) =>
      unwrap(await api.POST('/partners/{symbol}/self-test', { params: { path: { symbol: partner.symbol } }, body: body as never })),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = String(data.get('waitSeconds') ?? '').trim();
    const from = data.get('fromLibrary');
    // A non-number goes to the server as written, which names the field in its answer.
    run.mutate({ waitSeconds: /^\d+$/.test(text) ? Number(text) : text || DEFAULT_WAIT_SECONDS, ...(from ? { fromLibrary: String(from) } : {}) });
  };
  const noAddress = !partner.iso18626Url;
  return (
    <section aria-labelledby={`${id}-selftest`}>
      <h2 id={`${id}-selftest`}>{t('selftest.title')}</h2>
      <p>{t('selftest.text')}</p>
      <form onSubmit={submit} className="stacked" noValidate aria-busy={run.isPending}>
        <FromLibrary error={run.error} />
        <TextField
          label={t('selftest.wait')}
          name="waitSeconds"
          inputMode="numeric"
          defaultValue={String(DEFAULT_WAIT_SECONDS)}
          hint={t('selftest.waitHint', { max: MAX_WAIT_SECONDS })}
          error={run.error}
        />
        {noAddress && (
          <p id={`${id}-reason`} className="muted">
            {t('selftest.noAddress')}
          </p>
        )}
        <button type="submit" disabled={noAddress || run.isPending} aria-describedby={noAddress ? `${id}-reason` : undefined}>
          {t('selftest.run')}
        </button>
      </form>
      <p role="status" aria-live="polite">
        {run.isPending ? t('selftest.waiting', { seconds: run.variables?.waitSeconds ?? DEFAULT_WAIT_SECONDS }) : ''}
      </p>
      {run.isError && <ProblemMessage error={run.error} />}
      {run.data && !run.isPending && <ReportView report={run.data} />}
    </section>
  );
}

function ConformanceView({ data }: { readonly data: Conformance }) {
  const { timeZone } = useSession();
  const top = data.deviations.slice(0, TOP_DEVIATIONS);
  return (
    <>
      <p>{t('conformance.counts', { since: formatDateTime(data.since, timeZone), received: data.received, refused: data.refused, deviating: data.deviating })}</p>
      {top.length > 0 && (
        <ScrollTable label={t('conformance.top')} columns={[t('conformance.col.code'), t('conformance.col.meaning'), t('conformance.col.messages'), t('conformance.col.latest')]} caption={t('conformance.top')}>
          {top.map((d) => (
            <tr key={`${d.kind}:${d.code}`}>
              <th scope="row">
                <code>{d.code}</code>
              </th>
              <td>{d.description}</td>
              <td>{d.messages}</td>
              <td>
                {formatDateTime(d.latest.at, timeZone)}
                {d.latest.path ? (
                  <>
                    {' '}
                    <code>{d.latest.path}</code>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </>
  );
}

function PartnerConformance({ partner }: { readonly partner: Partner }) {
  const id = useId();
  const conformance = useQuery({
    queryKey: ['partners', partner.symbol, 'conformance'],
    queryFn: async () => unwrap(await api.GET('/partners/{symbol}/conformance', { params: { path: { symbol: partner.symbol } } })),
  });
  return (
    <section aria-labelledby={`${id}-conformance`}>
      <h2 id={`${id}-conformance`}>{t('conformance.title')}</h2>
      {conformance.isPending && <p>{t('common.loading')}</p>}
      {conformance.isError && <ProblemMessage error={conformance.error} onRetry={() => void conformance.refetch()} />}
      {conformance.data && <ConformanceView data={conformance.data} />}
    </section>
  );
}

export function PartnerChecks({ partner }: { readonly partner: Partner }) {
  const session = useSession();
  return (
    <>
      {isAdmin(session.user.role) && <SelfTest partner={partner} />}
      <PartnerConformance partner={partner} />
    </>
  );
}
