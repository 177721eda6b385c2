/** One of the patron's requests: what it is, where it stands in plain words, the dates that matter, and what they can do. */
import type { ReactNode } from 'react';
import type { PatronRequest } from './api';
import { useWords } from './i18n';
import type { PatronMessageKey } from './messages/en';

export function RequestCard({ request, headingLevel = 2, children }: { readonly request: PatronRequest; readonly headingLevel?: 2 | 3; readonly children?: ReactNode }) {
  const { t, date } = useWords();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const flags = (
    [
      [request.recalled, 'flag.recalled'],
      [request.overdue, 'flag.overdue'],
      [request.renewalPending, 'flag.renewalPending'],
      [request.cancelRequested, 'flag.cancelRequested'],
    ] as const
  ).flatMap(([on, key]) => (on ? [key] : []));
  const dates: [PatronMessageKey, string | undefined][] = [
    ['requests.requestedOn', date(request.createdAt)],
    ['requests.neededBy', date(request.neededBy)],
    ['requests.shippedAt', date(request.shippedAt)],
    ['requests.dueDate', date(request.dueDate)],
    ['requests.endedAt', date(request.endedAt)],
  ];
  return (
    <article className="patron-request" aria-labelledby={`request-${request.id}`}>
      <Heading id={`request-${request.id}`} className="patron-request-title">
        {request.articleTitle ?? request.title}
      </Heading>
      {request.articleTitle && <p className="patron-muted">{t('requests.in', { title: request.title })}</p>}
      {request.author && <p className="patron-muted">{t('requests.by', { author: request.author })}</p>}
      <p className={`patron-phase phase-${request.phase}`} data-phase={request.phase}>
        {t(`phase.${request.phase}`)}
      </p>
      {flags.map((flag) => (
        <p key={flag} className="patron-flag">
          {t(flag)}
        </p>
      ))}
      <dl className="patron-facts">
        <div>
          <dt>{t('requests.number')}</dt>
          <dd>
            {request.requestNumber} · {t(`requests.kind.${request.kind}`)}
          </dd>
        </div>
        {request.pickupLocation && (
          <div>
            <dt>{t('requests.pickupLocation')}</dt>
            <dd>
              {request.pickupLocation.name}
              {request.pickupLocation.address && <span className="patron-address">{request.pickupLocation.address}</span>}
            </dd>
          </div>
        )}
        {dates
          .filter(([, value]) => value)
          .map(([key, value]) => (
            <div key={key}>
              <dt>{t(key)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {children}
    </article>
  );
}
