/** Every table of a statistics report, each under its heading with its CSV download. */
import type { ReactNode } from 'react';
import type { Schemas } from '../api/client';
import { ScrollTable } from '../components/ScrollTable';
import type { MessageKey } from '../i18n/en';
import { t, tOr } from '../i18n/t';
import type { StatisticsTable } from './query';

type Report = Schemas['StatisticsReport'];

const number = new Intl.NumberFormat('en-GB');
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function rate(value: number | null): string {
  return value === null ? t('statistics.none.short') : `${decimal.format(value * 100)} %`;
}

/** Hours up to two days, days beyond. */
export function duration(seconds: number | null): string {
  if (seconds === null) return t('statistics.none.short');
  const hours = seconds / 3600;
  return hours < 48 ? t('statistics.hours', { hours: decimal.format(hours) }) : t('statistics.days', { days: decimal.format(hours / 24) });
}

function Section({ title, table, csv, columns, empty, children }: { readonly title: string; readonly table: StatisticsTable; readonly csv: (table: StatisticsTable) => string; readonly columns: readonly MessageKey[]; readonly empty: boolean; readonly children: ReactNode }) {
  return (
    <section className="statistics-table">
      <div className="statistics-table-head">
        <h2>{title}</h2>
        <a href={csv(table)} download>
          {t('statistics.csv', { table: title })}
        </a>
      </div>
      {empty ? (
        <p>{t('statistics.none')}</p>
      ) : (
        <ScrollTable label={title} columns={columns.map((c) => t(c))}>
          {children}
        </ScrollTable>
      )}
    </section>
  );
}

const COUNT_COLUMNS: readonly MessageKey[] = ['statistics.created', 'statistics.filled', 'statistics.unfilled', 'statistics.cancelled', 'statistics.fillRate'];

function CountCells({ row }: { readonly row: { created: number; filled: number; unfilled: number; cancelled: number; fillRate: number | null } }) {
  return (
    <>
      <td>{number.format(row.created)}</td>
      <td>{number.format(row.filled)}</td>
      <td>{number.format(row.unfilled)}</td>
      <td>{number.format(row.cancelled)}</td>
      <td>{rate(row.fillRate)}</td>
    </>
  );
}

export function StatisticsTables({ report, csv }: { readonly report: Report; readonly csv: (table: StatisticsTable) => string }) {
  const c = report.circulation;
  return (
    <>
      {/* Its CSV is the volumes by service type and format it sums. */}
      <Section title={t('statistics.totals')} table="volumes" csv={csv} columns={COUNT_COLUMNS} empty={false}>
        <tr>
          <CountCells row={report.totals} />
        </tr>
      </Section>
      <Section title={t('statistics.serviceTypes')} table="service-types" csv={csv} columns={['statistics.serviceType', ...COUNT_COLUMNS]} empty={report.byServiceType.length === 0}>
        {report.byServiceType.map((r) => (
          <tr key={r.serviceType}>
            <th scope="row">{r.serviceType}</th>
            <CountCells row={r} />
          </tr>
        ))}
      </Section>
      <Section title={t('statistics.formats')} table="formats" csv={csv} columns={['statistics.format', ...COUNT_COLUMNS]} empty={report.byFormat.length === 0}>
        {report.byFormat.map((r) => (
          <tr key={r.format}>
            <th scope="row">{r.format}</th>
            <CountCells row={r} />
          </tr>
        ))}
      </Section>
      <Section title={t('statistics.turnaround')} table="turnaround" csv={csv} columns={['statistics.interval', 'statistics.count', 'statistics.median', 'statistics.p90']} empty={false}>
        {report.turnaround.map((r) => (
          <tr key={r.interval}>
            <th scope="row">{tOr(`statistics.interval.${r.interval}`, r.interval)}</th>
            <td>{number.format(r.count)}</td>
            <td>{duration(r.p50)}</td>
            <td>{duration(r.p90)}</td>
          </tr>
        ))}
      </Section>
      <Section
        title={t(report.role === 'borrowing' ? 'statistics.partners.borrowing' : 'statistics.partners.lending')}
        table="partners"
        csv={csv}
        columns={['statistics.partner', 'statistics.asked', 'statistics.filled', 'statistics.unfilled', 'statistics.fillRate', 'statistics.open', 'statistics.answer', 'statistics.ship']}
        empty={report.partners.length === 0}
      >
        {report.partners.map((p) => (
          <tr key={p.partner}>
            <th scope="row">{p.partner}</th>
            <td>{number.format(p.asked)}</td>
            <td>{number.format(p.filled)}</td>
            <td>{number.format(p.unfilled)}</td>
            <td>{rate(p.fillRate)}</td>
            <td>{number.format(p.open)}</td>
            <td>{duration(p.answerSeconds.p50)}</td>
            <td>{duration(p.shipSeconds.p50)}</td>
          </tr>
        ))}
      </Section>
      <Section title={t('statistics.reciprocity')} table="reciprocity" csv={csv} columns={['statistics.partner', 'statistics.borrowed', 'statistics.lent', 'statistics.balance']} empty={report.reciprocity.length === 0}>
        {report.reciprocity.map((r) => (
          <tr key={r.partner}>
            <th scope="row">{r.partner}</th>
            <td>{number.format(r.borrowed)}</td>
            <td>{number.format(r.lent)}</td>
            <td>{number.format(r.balance)}</td>
          </tr>
        ))}
      </Section>
      <Section title={t('statistics.circulation')} table="circulation" csv={csv} columns={['statistics.renewalsAsked', 'statistics.renewalsGranted', 'statistics.renewalsRefused', 'statistics.overdues', 'statistics.recalls']} empty={false}>
        <tr>
          <td>{number.format(c.renewalsAsked)}</td>
          <td>{number.format(c.renewalsGranted)}</td>
          <td>{number.format(c.renewalsRefused)}</td>
          <td>{number.format(c.overdues)}</td>
          <td>{number.format(c.recalls)}</td>
        </tr>
      </Section>
      <Section title={t('statistics.reasons')} table="unfilled-reasons" csv={csv} columns={['statistics.reason', 'statistics.count']} empty={report.unfilledReasons.length === 0}>
        {report.unfilledReasons.slice(0, 10).map((r) => (
          <tr key={r.reason}>
            <th scope="row">{r.reason}</th>
            <td>{number.format(r.count)}</td>
          </tr>
        ))}
      </Section>
      <Section title={t('statistics.months')} table="months" csv={csv} columns={['statistics.month', ...COUNT_COLUMNS, 'statistics.ship']} empty={report.months.length === 0}>
        {report.months.map((m) => (
          <tr key={m.month}>
            <th scope="row">{m.month.slice(0, 7)}</th>
            <CountCells row={m} />
            <td>{duration(m.shipP50)}</td>
          </tr>
        ))}
      </Section>
    </>
  );
}
