/**
 * /admin/partners/:symbol (and /admin/partners/new): one partner in a form. PATCH replaces
 * `auth` and `policies` as whole objects, so the form always sends both; a kept secret goes back
 * as the mask, which the server reads as "keep the stored one". Staff see the form disabled.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { numberOr } from '../../components/formValues';
import { SelectField } from '../../components/SelectField';
import { fieldMessage, TextField } from '../../components/TextField';
import { useTitle } from '../../components/useTitle';
import { t } from '../../i18n/t';
import { useSession } from '../../session';
import { BackToAdmin, isAdmin, ReadOnlyNotice } from '../AdminIndex';
import { PartnerChecks } from './PartnerChecks';
import { authOf, PARTNERS_KEY, policiesOf, PROTOCOL_VERSIONS, STATUSES, type Partner } from './partners';
import { SecretField, SECRET_MASK, secretValue } from './SecretField';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);



function Check({ label, name, checked, value }: { readonly label: string; readonly name: string; readonly checked: boolean; readonly value?: string }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} value={value ?? 'on'} defaultChecked={checked} /> {label}
    </label>
  );
}

/** The body of POST /partners or PATCH /partners/{symbol}, from the form. */
function bodyOf(data: FormData, partner: Partner | undefined): Record<string, unknown> {
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const stored = authOf(partner);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(stored.outbound?.httpHeaders ?? {})) {
    const value = secretValue(data, `auth.outbound.httpHeaders.${name}`, true);
    if (value !== undefined) headers[name] = value;
  }
  if (text('newHeaderName')) headers[text('newHeaderName')] = String(data.get('newHeaderValue') ?? '');
  const inbound = secretValue(data, 'auth.inbound.securityCode', stored.inbound?.securityCode === SECRET_MASK);
  const outbound = secretValue(data, 'auth.outbound.securityCode', stored.outbound?.securityCode === SECRET_MASK);
  const optional = (key: string, value: unknown) => (value === undefined || value === '' ? {} : { [key]: value });
  return {
    name: text('name'),
    iso18626Url: text('iso18626Url') || null,
    vendor: text('vendor') || null,
    contactEmail: text('contactEmail') || null,
    status: text('status'),
    protocolVersion: text('protocolVersion'),
    policies: {
      lends: data.get('policies.lends') === 'on',
      services: data.getAll('policies.services').map(String),
      formats: { willLend: list(text('policies.formats.willLend')), willNotLend: list(text('policies.formats.willNotLend')) },
      ...optional('loanPeriodDays', numberOr(text('policies.loanPeriodDays'))),
      ...optional('maxRenewals', numberOr(text('policies.maxRenewals'))),
      ...optional('dailyLimit', numberOr(text('policies.dailyLimit'))),
      reciprocalOnly: data.get('policies.reciprocalOnly') === 'on',
      reciprocalPartners: list(text('policies.reciprocalPartners')),
      ...optional('suspendedUntil', text('policies.suspendedUntil')),
    },
    auth: {
      inbound: { ...optional('securityCode', inbound) },
      outbound: { ...optional('accountId', stored.outbound?.accountId), ...optional('securityCode', outbound), httpHeaders: headers },
    },
  };
}

function PartnerForm({ partner }: { readonly partner: Partner | undefined }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const created = (useLocation().state as { created?: string } | null)?.created;
  const [message, setMessage] = useState(created && partner?.symbol === created ? t('partner.created', { symbol: created }) : '');
  const editable = isAdmin(session.user.role);
  const policies = policiesOf(partner);
  const auth = authOf(partner);
  const save = useMutation({
    mutationFn: async (body: Record<string, unknown>): Promise<Partner> =>
      partner
        ? unwrap(await api.PATCH('/partners/{symbol}', { params: { path: { symbol: partner.symbol } }, body: body as never }))
        : unwrap(await api.POST('/partners', { body: body as never })),
    onSuccess: (saved) => {
      queryClient.setQueryData([...PARTNERS_KEY, saved.symbol], saved);
      void queryClient.invalidateQueries({ queryKey: PARTNERS_KEY, exact: true });
      if (partner) setMessage(t('partner.saved'));
      else void navigate(`/admin/partners/${encodeURIComponent(saved.symbol)}`, { state: { created: saved.symbol } });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMessage('');
    const data = new FormData(event.currentTarget);
    const body = bodyOf(data, partner);
    save.mutate(partner ? body : { symbol: String(data.get('symbol') ?? '').trim(), ...body });
  };
  const error = save.error;
  const headers = Object.keys(auth.outbound?.httpHeaders ?? {});
  return (
    // Saved: the form starts again from what is stored (kept secrets read "set", choices reset).
    <form key={partner?.updatedAt ?? 'new'} onSubmit={submit} className="stacked partner-form" noValidate>
      <fieldset disabled={!editable} className="plain">
        <section aria-labelledby="partner-identity">
          <h2 id="partner-identity">{t('partner.identity')}</h2>
          {!partner && <TextField label={t('partner.symbol')} name="symbol" hint={t('partner.symbolHint')} required autoComplete="off" spellCheck={false} error={error} />}
          <TextField label={t('partner.name')} name="name" defaultValue={partner?.name} required autoComplete="off" error={error} />
          <TextField label={t('partner.url')} name="iso18626Url" type="url" defaultValue={partner?.iso18626Url ?? ''} hint={t('partner.urlHint')} autoComplete="off" spellCheck={false} error={error} />
          <TextField label={t('partner.vendor')} name="vendor" defaultValue={partner?.vendor ?? ''} autoComplete="off" error={error} />
          <SelectField label={t('partner.protocolVersion')} name="protocolVersion" value={partner?.protocolVersion ?? '1.2'} options={PROTOCOL_VERSIONS.map((v) => ({ value: v, label: v }))} error={error} />
          <SelectField label={t('partner.status')} name="status" value={partner?.status ?? 'active'} options={STATUSES.map((s) => ({ value: s, label: t(`partners.status.${s}`) }))} error={error} />
          <TextField label={t('partner.suspendedUntil')} name="policies.suspendedUntil" type="date" defaultValue={policies.suspendedUntil?.slice(0, 10) ?? ''} hint={t('partner.suspendedUntilHint')} error={error} />
          <TextField label={t('partner.contactEmail')} name="contactEmail" type="email" defaultValue={partner?.contactEmail ?? ''} autoComplete="off" error={error} />
        </section>
        <section aria-labelledby="partner-policies">
          <h2 id="partner-policies">{t('partner.policies')}</h2>
          <Check label={t('partner.lends')} name="policies.lends" checked={policies.lends ?? true} />
          <fieldset>
            <legend>{t('partner.services')}</legend>
            {(['Loan', 'Copy'] as const).map((s) => (
              <Check key={s} label={t(`partner.service.${s}`)} name="policies.services" value={s} checked={(policies.services ?? ['Loan', 'Copy']).includes(s)} />
            ))}
            {fieldMessage(error, 'policies.services') && <span className="field-problem">{fieldMessage(error, 'policies.services')}</span>}
          </fieldset>
          <TextField label={t('partner.willLend')} name="policies.formats.willLend" defaultValue={(policies.formats?.willLend ?? []).join(', ')} hint={t('partner.willLendHint')} error={error} />
          <TextField label={t('partner.willNotLend')} name="policies.formats.willNotLend" defaultValue={(policies.formats?.willNotLend ?? []).join(', ')} hint={t('partner.willNotLendHint')} error={error} />
          <TextField label={t('partner.loanPeriod')} name="policies.loanPeriodDays" inputMode="numeric" defaultValue={policies.loanPeriodDays?.toString() ?? ''} hint={t('partner.optionalHint')} error={error} />
          <TextField label={t('partner.maxRenewals')} name="policies.maxRenewals" inputMode="numeric" defaultValue={policies.maxRenewals?.toString() ?? ''} hint={t('partner.optionalHint')} error={error} />
          <TextField label={t('partner.dailyLimit')} name="policies.dailyLimit" inputMode="numeric" defaultValue={policies.dailyLimit?.toString() ?? ''} hint={t('partner.optionalHint')} error={error} />
          <Check label={t('partner.reciprocalOnly')} name="policies.reciprocalOnly" checked={policies.reciprocalOnly ?? false} />
          <TextField label={t('partner.reciprocalPartners')} name="policies.reciprocalPartners" defaultValue={(policies.reciprocalPartners ?? []).join(', ')} hint={t('partner.reciprocalPartnersHint')} spellCheck={false} error={error} />
        </section>
        <section aria-labelledby="partner-secrets">
          <h2 id="partner-secrets">{t('partner.secrets')}</h2>
          <p>{t('partner.secretsText')}</p>
          <SecretField legend={t('partner.inboundCode')} name="auth.inbound.securityCode" stored={auth.inbound?.securityCode === SECRET_MASK} error={error} />
          <SecretField legend={t('partner.outboundCode')} name="auth.outbound.securityCode" stored={auth.outbound?.securityCode === SECRET_MASK} error={error} />
          <fieldset>
            <legend>{t('partner.headers')}</legend>
            {headers.length === 0 && <p className="muted">{t('partner.headersNone')}</p>}
            {headers.map((name) => (
              <SecretField key={name} legend={name} name={`auth.outbound.httpHeaders.${name}`} stored error={error} />
            ))}
            <TextField label={t('partner.headerNew')} name="newHeaderName" autoComplete="off" spellCheck={false} message={headerProblem(error)} />
            <TextField label={t('partner.headerNewValue')} name="newHeaderValue" type="password" autoComplete="off" />
          </fieldset>
        </section>
      </fieldset>
      {save.isError && <ProblemMessage error={save.error} inForm={save.error instanceof ApiError && (save.error.problem.errors?.length ?? 0) > 0} />}
      <p role="status" aria-live="polite">
        {message}
      </p>
      {editable && (
        <button type="submit" disabled={save.isPending}>
          {t(partner ? 'partner.save' : 'partner.create')}
        </button>
      )}
    </form>
  );
}

/** A wrong header name comes back at auth.outbound.httpHeaders.<name>. */
function headerProblem(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((e) => e.path.startsWith('auth.outbound.httpHeaders'))?.message;
}

export function PartnerPage() {
  const { symbol = '' } = useParams();
  const isNew = symbol === 'new';
  const partner = useQuery({
    queryKey: [...PARTNERS_KEY, symbol],
    queryFn: async () => unwrap(await api.GET('/partners/{symbol}', { params: { path: { symbol } } })),
    enabled: !isNew,
  });
  const title = isNew ? t('partner.titleNew') : t('partner.title', { symbol: partner.data?.symbol ?? symbol });
  useTitle(title);
  return (
    <main id="main" tabIndex={-1}>
      <BackToAdmin />
      <h1>{title}</h1>
      <ReadOnlyNotice />
      {!isNew && partner.isPending && <p>{t('common.loading')}</p>}
      {!isNew && partner.isError && (partner.error instanceof ApiError && partner.error.status === 404 ? <p className="problem">{t('partner.notFound', { symbol })}</p> : <ProblemMessage error={partner.error} onRetry={() => void partner.refetch()} />)}
      {(isNew || partner.data) && <PartnerForm key={symbol} partner={isNew ? undefined : partner.data} />}
      {!isNew && partner.data && <PartnerChecks key={`checks:${symbol}`} partner={partner.data} />}
    </main>
  );
}
