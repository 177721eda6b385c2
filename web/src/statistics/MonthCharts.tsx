/**
 * Charts by month (recharts): requests created, filled and unfilled, and the fill rate. They are
 * pictures for sighted readers; the "By month" table carries the same figures for everyone else,
 * so each chart is one labelled image that points to it, with nothing inside to tab to.
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Schemas } from '../api/client';
import { t } from '../i18n/t';

type Month = Schemas['StatisticsReport']['months'][number];

// Colours that keep 3:1 against white and against each other's neighbours.
const COLOURS = { created: '#1f5f9e', filled: '#2e7d32', unfilled: '#b3261e', rate: '#6a1b9a' };

const monthLabel = (month: string) => month.slice(0, 7);

export function MonthCharts({ months }: { readonly months: readonly Month[] }) {
  const data = months.map((m) => ({ ...m, label: monthLabel(m.month), rate: m.fillRate === null ? null : Math.round(m.fillRate * 1000) / 10 }));
  return (
    <div className="statistics-charts">
      <figure role="img" aria-label={`${t('statistics.chart.volumes')}. ${t('statistics.chart.alternative')}`}>
        <figcaption aria-hidden="true">{t('statistics.chart.volumes')}</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="created" name={t('statistics.created')} fill={COLOURS.created} />
            <Bar dataKey="filled" name={t('statistics.filled')} fill={COLOURS.filled} />
            <Bar dataKey="unfilled" name={t('statistics.unfilled')} fill={COLOURS.unfilled} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure role="img" aria-label={`${t('statistics.chart.fillRate')}. ${t('statistics.chart.alternative')}`}>
        <figcaption aria-hidden="true">{t('statistics.chart.fillRate')}</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={data} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis domain={[0, 100]} unit=" %" />
            <Tooltip />
            <Line type="monotone" dataKey="rate" name={t('statistics.fillRate')} stroke={COLOURS.rate} strokeWidth={2} connectNulls />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
