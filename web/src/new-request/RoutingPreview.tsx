/**
 * Who a request would be sent to, from POST /routing/dry-run with the form as it is: asked in
 * order, and skipped with why. The live region announces a one-line summary, not the table.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import { t } from '../i18n/t';
import { LocalCopies } from '../request/LocalCopies';
import type { DryRunQuery } from './form';

type Plan = Schemas['RoutingPlan'];

export function summaryOf(plan: Plan): string {
  const asked = plan.explanation.filter((v) => v.kept);
  const skipped = plan.explanation.length - asked.length;
  const first = plan.rota[0]?.symbol ?? asked[0]?.symbol ?? '';
  if (plan.rota.length === 0) return t('newRequest.preview.none', { skipped });
  if (plan.rota.length === 1) return t('newRequest.preview.summaryOne', { first, skipped });
  return t('newRequest.preview.summary', { count: plan.rota.length, first, skipped });
}

/** query undefined: the form is not complete enough yet. */
export function RoutingPreview({ query }: { query: DryRunQuery | undefined }) {
  const result = useQuery({
    queryKey: ['routing-dry-run', query],
    queryFn: async () => unwrap(await api.POST('/routing/dry-run', { body: query! })),
    enabled: query !== undefined,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const plan = query ? result.data : undefined;
  const announcement = !query
    ? t('newRequest.preview.incomplete')
    : result.isError
      ? t('newRequest.preview.error', { detail: result.error.message })
      : plan
        ? summaryOf(plan)
        : t('newRequest.preview.loading');
  const asked = plan ? plan.explanation.filter((v) => v.kept).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)) : [];
  const skipped = plan ? plan.explanation.filter((v) => !v.kept) : [];
  return (
    <section aria-labelledby="preview-heading" className="routing-preview" aria-busy={result.isFetching}>
      <h2 id="preview-heading">{t('newRequest.preview.title')}</h2>
      <p aria-live="polite" className="preview-summary">{announcement}</p>
      {plan?.holdings && (
        <p className="preview-holdings">
          {plan.holdings.outcome === 'holders'
            ? t('newRequest.preview.holders', { count: plan.holdings.holders.length, sources: plan.holdings.lookups.filter((l) => l.ok).map((l) => l.source).join(', ') })
            : t('newRequest.preview.noHolders', { reason: plan.holdings.reason ?? '' })}
        </p>
      )}
      <LocalCopies local={plan?.local} headingLevel={3} />
      {plan && asked.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption>{t('newRequest.preview.asked', { strategy: plan.strategy })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('newRequest.preview.rank')}</th>
                <th scope="col">{t('newRequest.preview.lender')}</th>
                <th scope="col">{t('newRequest.preview.why')}</th>
              </tr>
            </thead>
            <tbody>
              {asked.map((v) => (
                <tr key={v.symbol}>
                  <td>{v.rank}</td>
                  <th scope="row">{v.symbol}</th>
                  <td>{v.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {plan && skipped.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption>{t('newRequest.preview.skipped')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('newRequest.preview.lender')}</th>
                <th scope="col">{t('newRequest.preview.why')}</th>
              </tr>
            </thead>
            <tbody>
              {skipped.map((v) => (
                <tr key={v.symbol}>
                  <th scope="row">{v.symbol}</th>
                  <td>{v.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
