/** /admin/partners: the directory, filtered by text and status; each partner opens its form. */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ScrollTable } from '../../components/ScrollTable';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { BackToAdmin, isAdmin, ReadOnlyNotice } from '../AdminIndex';
import { listPartners, PARTNERS_KEY, policiesOf, STATUSES, type Partner, type PartnerStatus } from './partners';

function matches(partner: Partner, text: string, status: PartnerStatus | ''): boolean {
  if (status && partner.status !== status) return false;
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [partner.symbol, partner.name, partner.vendor, partner.contactEmail].some((v) => v?.toLowerCase().includes(needle));
}

export function PartnersPage() {
  useTitle(t('partners.title'));
  const session = useSession();
  const id = useId();
  const partners = useQuery({ queryKey: PARTNERS_KEY, queryFn: listPartners });
  const [text, setText] = useState('');
  const [status, setStatus] = useState<PartnerStatus | ''>('');
  const shown = (partners.data ?? []).filter((p) => matches(p, text, status));
  return (
    <main id="main" tabIndex={-1}>
      <BackToAdmin />
      <h1>{t('partners.title')}</h1>
      <ReadOnlyNotice />
      {isAdmin(session.user.role) && (
        <p>
          <Link to="/admin/partners/new" className="button-link">
            {t('partners.new')}
          </Link>
        </p>
      )}
      <form className="filters" role="search" aria-label={t('partners.filter')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('partners.filterText')}</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('partners.filterStatus')}</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as PartnerStatus | '')}>
            <option value="">{t('partners.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`partners.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {partners.isPending && <p>{t('common.loading')}</p>}
      {partners.isError && <ProblemMessage error={partners.error} onRetry={() => void partners.refetch()} />}
      {partners.data && (
        <>
          <p role="status" aria-live="polite">
            {t('partners.count', { count: shown.length, total: partners.data.length })}
          </p>
          {shown.length === 0 ? (
            <p>{t('partners.none')}</p>
          ) : (
            <ScrollTable label={t('partners.table')} columns={[t('partners.col.symbol'), t('partners.col.name'), t('partners.col.vendor'), t('partners.col.protocol'), t('partners.col.status'), t('partners.col.contact')]}>
              {shown.map((p) => {
                const until = policiesOf(p).suspendedUntil;
                return (
                  <tr key={p.symbol}>
                    <td>
                      <Link to={`/admin/partners/${encodeURIComponent(p.symbol)}`}>{p.symbol}</Link>
                    </td>
                    <td>{p.name}</td>
                    <td>{p.vendor ?? t('common.none')}</td>
                    <td>{p.protocolVersion}</td>
                    <td>
                      {t(`partners.status.${p.status}`)}
                      {until && <div className="muted">{t('partners.suspendedUntil', { date: until })}</div>}
                    </td>
                    <td>{p.contactEmail ? <a href={`mailto:${p.contactEmail}`}>{p.contactEmail}</a> : t('common.none')}</td>
                  </tr>
                );
              })}
            </ScrollTable>
          )}
        </>
      )}
    </main>
  );
}
