/**
 * The example Grafana dashboard and Prometheus alert rules (config/monitoring/) ask only for
 * metrics the server exports, and the dashboard shows every one of the server's own (ill_*), so
 * renaming a metric or adding one without its panel fails here rather than on someone's wall screen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { registerScrapeMetrics, type ScrapeSources } from '../../../src/metrics/collectors';
import { createMetrics } from '../../../src/metrics/metrics';

const MONITORING = join(__dirname, '../../../config/monitoring');

/** Every series name the server's registry can show: histograms as their _bucket, _sum and _count. */
function exportedNames(): Set<string> {
  const { registry } = createMetrics(new Registry());
  // Never scraped here: the sources are only named, so none is read.
  registerScrapeMetrics(registry, {} as ScrapeSources);
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    // prom-client declares an enum but sets the type's name ('histogram') at run time.
    const { name } = metric;
    const type = String(metric.type);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** The metric names a PromQL expression (or a Grafana label_values query) reads. */
function metricNamesIn(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w:$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((name) => !KEYWORDS.has(name.toLowerCase()));
}

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { type: string; uid: string };
  readonly targets?: readonly { readonly expr: string; readonly datasource?: { uid: string } }[];
}
interface Dashboard {
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query: string | { query: string } }[] };
}
interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly { readonly alert: string; readonly expr: string }[] }[];
}

const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
const alerts = parseYaml(readFileSync(join(MONITORING, 'prometheus-alerts.yml'), 'utf8')) as RuleFile;

const dashboardQueries = (): string[] => [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
];
const alertExpressions = (): string[] => alerts.groups.flatMap((g) => g.rules.map((r) => r.expr));

describe('reading metric names out of PromQL', () => {
  it('finds the series and leaves out functions, labels, ranges, groupings and Grafana variables', () => {
    expect(metricNamesIn('histogram_quantile(0.9, sum by (lender, le) (rate(ill_x_bucket{lender=~"$partner", a="b{c}"}[$__rate_interval])))')).toEqual(['ill_x_bucket']);
    expect(metricNamesIn('sum by (p) (increase(a_total[30m])) > 0 unless on (p) sum by (p) (b_total) > 0')).toEqual(['a_total', 'b_total']);
    expect(metricNamesIn('label_values(ill_requests{instance=~"$instance"}, library)')).toEqual(['ill_requests']);
    expect(metricNamesIn('ill_outbox_rows{status="dead"} > 0')).toEqual(['ill_outbox_rows']);
  });
});

describe('the example Grafana dashboard (config/monitoring/grafana-dashboard.json)', () => {
  const exported = exportedNames();

  it('asks only for metrics the server exports', () => {
    const asked = dashboardQueries().flatMap(metricNamesIn);
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('shows every metric of the server itself', () => {
    const asked = new Set(dashboardQueries().flatMap(metricNamesIn));
    const own = [...exported].filter((name) => name.startsWith('ill_'));
    expect(own.filter((name) => !asked.has(name))).toEqual([]);
  });

  it('is importable with any Prometheus: every panel and query reads the datasource variable', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, '${datasource}']);
      for (const target of panel.targets ?? []) expect([panel.title, target.datasource?.uid]).toEqual([panel.title, '${datasource}']);
    }
  });
});

describe('the example alert rules (config/monitoring/prometheus-alerts.yml)', () => {
  const exported = exportedNames();

  it('warn of an unreachable partner and of dead work waiting', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['IllPartnerUnreachable', 'IllDeadWorkWaiting']));
    expect(rules.find((r) => r.alert === 'IllDeadWorkWaiting')?.expr.trim()).toBe('ill_outbox_rows{status="dead"} > 0');
    expect(metricNamesIn(rules.find((r) => r.alert === 'IllPartnerUnreachable')!.expr)).toEqual(['ill_delivery_failures_total', 'ill_iso18626_messages_total']);
  });

  it('ask only for metrics the server exports', () => {
    const asked = alertExpressions().flatMap(metricNamesIn);
    expect(asked.filter((name) => !exported.has(name))).toEqual([]);
  });
});
