/**
 * What the library's own catalogue said when the request was made (or would be, in the form's
 * preview): the available copies that hold it for staff to fill from the shelf, or why it could
 * not be checked. Nothing when the library has no catalogue of its own.
 */
import type { Schemas } from '../api/client';
import { t } from '../i18n/t';

export type LocalHoldings = NonNullable<Schemas['RoutingPlan']['local']>;

export function LocalCopies({ local, headingLevel = 2 }: { local: LocalHoldings | undefined; headingLevel?: 2 | 3 }) {
  if (!local) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  if (!local.held) {
    return <p className="local-copies-none">{local.lookup.ok ? t('local.notHeld', { source: local.lookup.source }) : t('local.failed', { source: local.lookup.source, reason: local.lookup.reason ?? '' })}</p>;
  }
  return (
    <section aria-labelledby="local-copies-heading" className="local-copies">
      <Heading id="local-copies-heading">{t('local.heading')}</Heading>
      <p>{t('local.held', { source: local.lookup.source, count: local.copies.length })}</p>
      <ul>
        {local.copies.map((copy, i) => (
          <li key={`${copy.code}-${copy.itemId ?? i}`}>
            {[copy.location ?? copy.code, copy.callNumber, copy.itemId ? t('local.item', { id: copy.itemId }) : undefined].filter(Boolean).join(' · ')}
          </li>
        ))}
      </ul>
    </section>
  );
}
