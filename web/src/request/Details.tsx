/** What the request asks for and who it is for: bibliographic data, patron or requester, ids, dates. */
import { formatDate, formatDateTime } from '../format';
import { t, tOr } from '../i18n/t';
import type { MessageKey } from '../i18n/en';
import { useSession } from '../session';
import { placedBy } from './source';
import type { RequestDetail } from './types';

type Row = readonly [MessageKey, string | null | undefined];

function Facts({ rows }: { rows: readonly Row[] }) {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (shown.length === 0) return <p>{t('common.none')}</p>;
  return (
    <dl className="facts">
      {shown.map(([label, value]) => (
        <div key={label}>
          <dt>{t(label)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const BIB_FIELDS = ['title', 'author', 'titleOfComponent', 'authorOfComponent', 'edition', 'publisher', 'placeOfPublication', 'publicationDate', 'volume', 'issue', 'pagesRequested', 'isbn', 'issn', 'oclcNumber', 'doi'] as const;

export function Details({ request }: { request: RequestDetail }) {
  const { timeZone } = useSession();
  const { data } = request;
  const bib = data.bibliographic ?? {};
  const patron = data.patron;
  const patronName = patron?.name ?? ([patron?.givenName, patron?.surname].filter(Boolean).join(' ') || undefined);
  const lifecycle = data.lifecycle;
  // Staff reading an empty patron section should know the details were there and why they went.
  const erased = data.patronErased ? <p>{t(`privacy.erased.${data.patronErased.reason}`, { date: formatDate(data.patronErased.at, timeZone) })}</p> : null;
  return (
    <div className="request-details">
      <section aria-labelledby="item-heading">
        <h2 id="item-heading">{t('request.section.item')}</h2>
        <Facts rows={[...BIB_FIELDS.map((f): Row => [`request.bib.${f}`, bib[f]]), ['request.bib.serviceType', tOr(`serviceType.${request.serviceType}`, request.serviceType)]]} />
      </section>
      {request.role === 'supplier' ? (
        <section aria-labelledby="requester-heading">
          <h2 id="requester-heading">{t('request.section.requester')}</h2>
          <Facts
            rows={[
              ['request.requester.agency', request.requestingAgencyId],
              ['request.requester.name', data.requestingAgency?.name ?? data.requestingAgencyName],
              ['request.requester.contact', data.requestingAgency?.contactName],
              ['request.requester.serviceLevel', data.serviceLevel],
            ]}
          />
          {erased}
        </section>
      ) : (
        <section aria-labelledby="patron-heading">
          <h2 id="patron-heading">{t('request.section.patron')}</h2>
          {patron ? (
            <Facts
              rows={[
                ['request.patron.id', patron.id],
                ['request.patron.name', patronName],
                ['request.patron.email', patron.email],
                ['request.patron.noMail', patron.noMail ? t('common.yes') : undefined],
                ['request.patron.pickupLocation', data.pickupLocation],
                ['request.patron.placedVia', placedBy(data.source)],
              ]}
            />
          ) : (
            (erased ?? <p>{t('request.patron.none')}</p>)
          )}
        </section>
      )}
      <section aria-labelledby="ids-heading">
        <h2 id="ids-heading">{t('request.section.ids')}</h2>
        <Facts
          rows={[
            ['request.ids.requestNumber', request.requestNumber],
            ['request.ids.ownId', request.id],
            ['request.ids.requestingAgency', request.requestingAgencyId],
            ['request.ids.requestingRequestId', request.requestingAgencyRequestId],
            ['request.ids.supplyingAgency', request.supplyingAgencyId ?? request.partner],
            ['request.ids.supplyingRequestId', request.supplyingAgencyRequestId],
            ['request.ids.itemBarcode', lifecycle?.itemId ?? data.ncip?.checkOut?.itemId],
            ['request.ids.temporaryBarcode', data.ncip?.itemId],
          ]}
        />
      </section>
      <section aria-labelledby="dates-heading">
        <h2 id="dates-heading">{t('request.section.dates')}</h2>
        <Facts
          rows={[
            ['request.dates.needBefore', formatDate(data.neededBy, timeZone)],
            ['request.dates.due', formatDateTime(lifecycle?.dueDate, timeZone)],
            ['request.dates.retryAt', formatDateTime(lifecycle?.retryAt, timeZone)],
            ['request.dates.created', formatDateTime(request.createdAt, timeZone)],
          ]}
        />
      </section>
    </div>
  );
}
