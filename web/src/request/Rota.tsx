/** The rota: each supplier's rank, where it stands, and routing's reason, including those skipped. */
import { t } from '../i18n/t';
import { rotaRows } from './rota';
import type { RequestDetail } from './types';

export function Rota({ request }: { request: RequestDetail }) {
  const rows = rotaRows(request.role, request.state, request.data);
  return (
    <section aria-labelledby="rota-heading">
      <h2 id="rota-heading">{t('request.section.rota')}</h2>
      {rows.length === 0 ? (
        <p>{t('request.rota.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>{t('request.rota.caption', { strategy: request.data.routing?.strategy ?? '' })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('request.rota.rank')}</th>
                <th scope="col">{t('request.rota.supplier')}</th>
                <th scope="col">{t('request.rota.status')}</th>
                <th scope="col">{t('request.rota.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.symbol}-${row.rank ?? 'x'}`} className={`rota-${row.status}`}>
                  <td>{row.rank ?? t('request.rota.noRank')}</td>
                  <th scope="row">{row.symbol}</th>
                  <td>{t(`request.rota.status.${row.status}`)}</td>
                  <td>{row.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
