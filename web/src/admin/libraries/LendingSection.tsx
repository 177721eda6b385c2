/**
 * What the library lends to the other member libraries served here (routing reads it) and for how
 * long (the due date of a ship without one): `settings.lending`, saved alone and whole, or removed
 * (null) for "everything, to everyone, no loan period".
 */
import { useState } from 'react';
import { t } from '../../i18n/t';
import { CheckField as Check, Field } from './Field';
import { PairsTable, pairsOf, recordOf, type Pair } from './PairsTable';
import { Saved } from './Saved';
import { numberOr } from '../../components/formValues';
import { fieldError, useSavePart, type Settings } from './settings';

interface Lending {
  lends?: boolean;
  services?: ('Loan' | 'Copy')[];
  formats?: { willLend?: string[]; willNotLend?: string[] };
  loanPeriodDays?: number;
  maxRenewals?: number;
  dailyLimit?: number;
  reciprocalOnly?: boolean;
  reciprocalPartners?: string[];
  suspendedUntil?: string;
  partners?: Record<string, { loanPeriodDays: number }>;
}

/** The form's state: numbers as typed, lists as the comma-separated text a person edits. */
interface Draft {
  lends: boolean;
  services: ('Loan' | 'Copy')[];
  willLend: string;
  willNotLend: string;
  loanPeriodDays: string;
  maxRenewals: string;
  dailyLimit: string;
  reciprocalOnly: boolean;
  reciprocalPartners: string;
  suspendedUntil: string;
  partners: Pair[];
}

const SERVICES = ['Loan', 'Copy'] as const;

function draftOf(lending: Lending | undefined): Draft {
  const l = lending ?? {};
  return {
    lends: l.lends ?? true,
    services: l.services ?? [...SERVICES],
    willLend: (l.formats?.willLend ?? []).join(', '),
    willNotLend: (l.formats?.willNotLend ?? []).join(', '),
    loanPeriodDays: l.loanPeriodDays?.toString() ?? '',
    maxRenewals: l.maxRenewals?.toString() ?? '',
    dailyLimit: l.dailyLimit?.toString() ?? '',
    reciprocalOnly: l.reciprocalOnly ?? false,
    reciprocalPartners: (l.reciprocalPartners ?? []).join(', '),
    suspendedUntil: l.suspendedUntil?.slice(0, 10) ?? '',
    partners: pairsOf(l.partners, (p) => String(p.loanPeriodDays)),
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function lendingOf(d: Draft): Record<string, unknown> {
  const optional = (key: string, value: unknown) => (value === undefined || value === '' ? {} : { [key]: value });
  const partners = recordOf(d.partners, (days) => ({ loanPeriodDays: numberOr(days) }));
  return {
    lends: d.lends,
    services: d.services,
    formats: { willLend: list(d.willLend), willNotLend: list(d.willNotLend) },
    ...optional('loanPeriodDays', numberOr(d.loanPeriodDays)),
    ...optional('maxRenewals', numberOr(d.maxRenewals)),
    ...optional('dailyLimit', numberOr(d.dailyLimit)),
    reciprocalOnly: d.reciprocalOnly,
    reciprocalPartners: list(d.reciprocalPartners),
    ...optional('suspendedUntil', d.suspendedUntil),
    ...(Object.keys(partners).length ? { partners } : {}),
  };
}

interface Props {
  readonly symbol: string;
  readonly settings: Settings;
  readonly canEdit: boolean;
}

export function LendingSection({ symbol, settings, canEdit }: Props) {
  const stored = settings.lending as Lending | undefined;
  const [draft, setDraft] = useState<Draft>(() => draftOf(stored));
  const [cleared, setCleared] = useState(false);
  const save = useSavePart(symbol);
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const error = (field: string) => fieldError(save.error, `settings.lending.${field}`);
  const text = (field: 'willLend' | 'willNotLend' | 'loanPeriodDays' | 'maxRenewals' | 'dailyLimit' | 'reciprocalPartners', path: string, label: string, help: string, numeric = false) => (
    <Field label={label} help={help} error={error(path)}>
      {({ id, describedBy }) => (
        <input id={id} aria-describedby={describedBy} aria-invalid={error(path) ? true : undefined} inputMode={numeric ? 'numeric' : undefined} value={draft[field]} onChange={(e) => set({ [field]: e.target.value })} />
      )}
    </Field>
  );
  return (
    <form
      aria-labelledby="lending-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setCleared(false);
        save.mutate({ lending: lendingOf(draft) });
      }}
    >
      <h2 id="lending-heading">{t('libraries.lending')}</h2>
      <p className="admin-help">{t('libraries.lendingHelp')}</p>
      <p>{stored ? t('libraries.lending.stored') : t('libraries.lending.none')}</p>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.lending.what')}</legend>
        <Check label={t('libraries.lending.lends')} help={t('libraries.lending.lendsHelp')} checked={draft.lends} onChange={(lends) => set({ lends })} />
        <fieldset>
          <legend>{t('libraries.lending.services')}</legend>
          {SERVICES.map((s) => (
            <Check key={s} label={t(`libraries.lending.service.${s}`)} checked={draft.services.includes(s)} onChange={(on) => set({ services: on ? SERVICES.filter((x) => x === s || draft.services.includes(x)) : draft.services.filter((x) => x !== s) })} />
          ))}
          <p className="admin-help">{t('libraries.lending.servicesHelp')}</p>
          {error('services') && <p className="field-problem">{error('services')}</p>}
        </fieldset>
        {text('willLend', 'formats.willLend', t('libraries.lending.willLend'), t('libraries.lending.willLendHelp'))}
        {text('willNotLend', 'formats.willNotLend', t('libraries.lending.willNotLend'), t('libraries.lending.willNotLendHelp'))}
        {text('dailyLimit', 'dailyLimit', t('libraries.lending.dailyLimit'), t('libraries.lending.dailyLimitHelp'), true)}
        <Check label={t('libraries.lending.reciprocalOnly')} help={t('libraries.lending.reciprocalOnlyHelp')} checked={draft.reciprocalOnly} onChange={(reciprocalOnly) => set({ reciprocalOnly })} />
        {text('reciprocalPartners', 'reciprocalPartners', t('libraries.lending.reciprocalPartners'), t('libraries.lending.reciprocalPartnersHelp'))}
        <Field label={t('libraries.lending.suspendedUntil')} help={t('libraries.lending.suspendedUntilHelp')} error={error('suspendedUntil')}>
          {({ id, describedBy }) => <input id={id} type="date" aria-describedby={describedBy} value={draft.suspendedUntil} onChange={(e) => set({ suspendedUntil: e.target.value })} />}
        </Field>
      </fieldset>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.lending.howLong')}</legend>
        {text('loanPeriodDays', 'loanPeriodDays', t('libraries.lending.loanPeriod'), t('libraries.lending.loanPeriodHelp'), true)}
        {text('maxRenewals', 'maxRenewals', t('libraries.lending.maxRenewals'), t('libraries.lending.maxRenewalsHelp'), true)}
        <PairsTable
          caption={t('libraries.lending.partners')}
          help={t('libraries.lending.partnersHelp')}
          keyLabel={t('libraries.lending.partner')}
          valueLabel={t('libraries.lending.partnerDays')}
          rows={draft.partners}
          onChange={(partners) => set({ partners })}
          canEdit={canEdit}
          numeric
          errorOf={(row) => error(`partners.${row.key.trim()}.loanPeriodDays`) ?? (error(`partners.${row.key.trim()}`) && t('libraries.lending.partnerSymbol'))}
        />
        {error('partners') && <p className="field-problem">{error('partners')}</p>}
      </fieldset>
      {canEdit && (
        <div className="admin-actions">
          <button type="submit" disabled={save.isPending}>
            {t('libraries.save')}
          </button>
          <button
            type="button"
            aria-describedby="lending-clear-help"
            disabled={save.isPending}
            onClick={() =>
              save.mutate(
                { lending: null },
                {
                  onSuccess: () => {
                    setDraft(draftOf(undefined));
                    setCleared(true);
                  },
                },
              )
            }
          >
            {t('libraries.lending.clear')}
          </button>
          <span id="lending-clear-help" className="admin-help">
            {t('libraries.lending.clearHelp')}
          </span>
        </div>
      )}
      <Saved save={save} message={cleared ? t('libraries.lending.cleared') : undefined} />
    </form>
  );
}
