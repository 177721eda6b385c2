/**
 * Administration: one member library's settings, one form per settings part, each saved alone
 * (PATCH with that part) and checked by the server's schema; its errors appear at the field.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useTitle } from '../../components/useTitle';
import type { MessageKey } from '../../i18n/en';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { Field } from './Field';
import { MailSection } from './MailSection';
import { LendingSection } from './LendingSection';
import { NcipSection } from './NcipSection';
import { Saved } from './Saved';
import { fieldError, useSavePart, type Settings } from './settings';

export function LibraryPage() {
  const symbol = useParams().symbol!;
  const session = useSession();
  const canEdit = session.user.role === 'admin';
  const library = useQuery({ queryKey: ['library', symbol], queryFn: async () => unwrap(await api.GET('/libraries/{symbol}', { params: { path: { symbol } } })) });
  useTitle(library.data?.name ?? symbol);
  if (!library.data)
    return (
      <main id="main" tabIndex={-1} className="admin-libraries">
        {library.error && <ProblemMessage error={library.error} onRetry={() => void library.refetch()} />}
      </main>
    );
  const settings = library.data.settings as Settings;
  return (
    <main id="main" tabIndex={-1} className="admin-libraries">
      <p>
        <Link to="/admin/libraries">← {t('libraries.title')}</Link>
      </p>
      <h1>
        {library.data.name} <small>{library.data.symbol}</small>
      </h1>
      {!canEdit && <p>{t('libraries.readOnly')}</p>}
      <RoutingSection symbol={symbol} settings={settings} canEdit={canEdit} />
      <PickupSection symbol={symbol} settings={settings} canEdit={canEdit} />
      <LendingSection symbol={symbol} settings={settings} canEdit={canEdit} />
      <NcipSection symbol={symbol} settings={settings} canEdit={canEdit} />
      <MailSection symbol={symbol} settings={settings} canEdit={canEdit} />
    </main>
  );
}

interface SectionProps {
  readonly symbol: string;
  readonly settings: Settings;
  readonly canEdit: boolean;
}

function RoutingSection({ symbol, settings, canEdit }: SectionProps) {
  const [strategy, setStrategy] = useState(((settings.routing as { strategy?: string } | undefined)?.strategy ?? '') as string);
  const [mode, setMode] = useState(((settings.broker as { mode?: string } | undefined)?.mode ?? '') as string);
  const save = useSavePart(symbol);
  return (
    <form
      aria-labelledby="routing-heading"
      onSubmit={(e) => {
        e.preventDefault();
        // The performance strategy's tuning (settings.routing.performance) is kept as it is stored.
        const { strategy: _old, ...tuning } = (settings.routing ?? {}) as { strategy?: string };
        const routing = strategy ? { ...tuning, strategy } : Object.keys(tuning).length > 0 ? tuning : null;
        save.mutate({ routing, broker: mode ? { mode } : null });
      }}
    >
      <h2 id="routing-heading">{t('libraries.routing')}</h2>
      <fieldset disabled={!canEdit}>
        <Field label={t('libraries.routing.strategy')} help={t('libraries.routing.strategyHelp')} error={fieldError(save.error, 'settings.routing.strategy')}>
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={strategy} onChange={(e) => setStrategy(e.target.value)}>
              <option value="">{t('libraries.routing.default')}</option>
              {(['as_given', 'load_balance', 'reciprocal_first', 'performance'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`libraries.routing.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('libraries.broker.mode')} help={t('libraries.broker.modeHelp')} error={fieldError(save.error, 'settings.broker.mode')}>
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={mode} onChange={(e) => setMode(e.target.value)}>
              <option value="">{t('libraries.broker.none')}</option>
              <option value="opaque">{t('libraries.broker.opaque')}</option>
              <option value="transparent">{t('libraries.broker.transparent')}</option>
            </select>
          )}
        </Field>
        {canEdit && <button type="submit">{t('libraries.save')}</button>}
      </fieldset>
      <Saved save={save} />
    </form>
  );
}

interface Pickup {
  code: string;
  name: string;
}

function PickupSection({ symbol, settings, canEdit }: SectionProps) {
  const [rows, setRows] = useState<Pickup[]>(((settings.pickupLocations as Pickup[] | undefined) ?? []).map((p) => ({ ...p })));
  const save = useSavePart(symbol);
  const update = (i: number, change: Partial<Pickup>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const move = (i: number, by: number) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    next.splice(i + by, 0, row!);
    setRows(next);
  };
  return (
    <form
      aria-labelledby="pickup-heading"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ pickupLocations: rows });
      }}
    >
      <h2 id="pickup-heading">{t('libraries.pickup')}</h2>
      <p className="admin-help">{t('libraries.pickupHelp')}</p>
      <fieldset disabled={!canEdit}>
        <ol className="admin-pickup">
          {rows.map((row, i) => (
            <li key={i}>
              <Field label={t('libraries.pickup.code')} error={fieldError(save.error, `settings.pickupLocations.${i}.code`)}>
                {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} value={row.code} onChange={(e) => update(i, { code: e.target.value })} />}
              </Field>
              <Field label={t('libraries.pickup.name')} error={fieldError(save.error, `settings.pickupLocations.${i}.name`)}>
                {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} value={row.name} onChange={(e) => update(i, { name: e.target.value })} />}
              </Field>
              {canEdit && (
                <span className="admin-row-actions">
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('libraries.pickup.up', { name: row.name || row.code })}>
                    ↑
                  </button>
                  <button type="button" disabled={i === rows.length - 1} onClick={() => move(i, 1)} aria-label={t('libraries.pickup.down', { name: row.name || row.code })}>
                    ↓
                  </button>
                  <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                    {t('libraries.pickup.remove', { name: row.name || row.code })}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
        {fieldError(save.error, 'settings.pickupLocations') && <p className="problem">{fieldError(save.error, 'settings.pickupLocations')}</p>}
        {canEdit && (
          <p>
            <button type="button" onClick={() => setRows([...rows, { code: '', name: '' }])}>
              {t('libraries.pickup.add')}
            </button>{' '}
            <button type="submit">{t('libraries.save')}</button>
          </p>
        )}
      </fieldset>
      <Saved save={save} />
    </form>
  );
}
