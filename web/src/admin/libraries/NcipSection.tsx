/**
 * The ILS connection (NCIP) part: the connection and how we sign in, the circulation steps that
 * call the ILS, the borrowing libraries' accounts for lending, and the rarely changed protocol
 * details; saved alone and whole. Secrets are write-only (SecretField): a kept one goes back as
 * the mask, which the server reads as "the stored one", so the test connection can use the form's
 * unsaved values with the stored secrets.
 */
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import type { MessageKey } from '../../i18n/en';
import { t } from '../../i18n/t';
import { SecretField, SECRET_MASK, secretValue } from '../directory/SecretField';
import { CheckField, Field } from './Field';
import { PairsTable, pairsOf, recordOf, type Pair } from './PairsTable';
import { Saved } from './Saved';
import { fieldError, useSavePart, type Settings } from './settings';

const STEPS = ['lookupUser', 'acceptItem', 'checkInItem', 'deleteItem', 'cancelRequestItem', 'checkOutItem'] as const;
type Step = (typeof STEPS)[number];
type AuthType = 'none' | 'header' | 'basic';

interface Stored {
  enabled?: boolean;
  url?: string;
  fromAgencyId?: string;
  toAgencyId?: string;
  fromAgencyAuthentication?: string;
  applicationProfile?: string;
  authentication?: { type: AuthType; name?: string; value?: string; username?: string; password?: string };
  contentType?: string;
  timeoutMs?: number;
  requestType?: string;
  requestScopeType?: string;
  steps?: Partial<Record<Step, boolean>>;
  borrowerAccounts?: Record<string, string>;
  defaultBorrowerAccount?: string;
  temporaryBarcodePrefix?: string;
}

/** What the form edits in plain state; the secrets live in their SecretFields and are read at submit. */
interface Draft {
  enabled: boolean;
  url: string;
  fromAgencyId: string;
  toAgencyId: string;
  authType: AuthType;
  headerName: string;
  username: string;
  applicationProfile: string;
  contentType: string;
  timeoutSeconds: string;
  requestType: string;
  requestScopeType: string;
  steps: Record<Step, boolean>;
  accounts: Pair[];
  defaultBorrowerAccount: string;
  temporaryBarcodePrefix: string;
}

function draftOf(s: Stored): Draft {
  return {
    enabled: s.enabled ?? true,
    url: s.url ?? '',
    fromAgencyId: s.fromAgencyId ?? '',
    toAgencyId: s.toAgencyId ?? '',
    authType: s.authentication?.type ?? 'none',
    headerName: s.authentication?.name ?? '',
    username: s.authentication?.username ?? '',
    applicationProfile: s.applicationProfile ?? '',
    contentType: s.contentType ?? 'application/xml',
    timeoutSeconds: String((s.timeoutMs ?? 30_000) / 1000),
    requestType: s.requestType ?? 'Loan',
    requestScopeType: s.requestScopeType ?? 'Bibliographic Item',
    steps: Object.fromEntries(STEPS.map((step) => [step, s.steps?.[step] ?? true])) as Record<Step, boolean>,
    accounts: pairsOf(s.borrowerAccounts, (account) => account),
    defaultBorrowerAccount: s.defaultBorrowerAccount ?? '{agency}',
    temporaryBarcodePrefix: s.temporaryBarcodePrefix ?? '',
  };
}

/** Seconds as typed to milliseconds; not a number goes as typed, and the server names the field. */
function milliseconds(seconds: string): number | string | undefined {
  const trimmed = seconds.trim();
  if (!trimmed) return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Math.round(Number(trimmed) * 1000) : trimmed;
}

/** The ncip part as the server stores it, from the form's state and its secret fields. */
function ncipOf(d: Draft, data: FormData, stored: Stored): Record<string, unknown> {
  const optional = (key: string, value: unknown) => (value === undefined || value === '' ? {} : { [key]: typeof value === 'string' ? value.trim() : value });
  const auth = stored.authentication;
  const authentication =
    d.authType === 'header'
      ? { type: 'header', name: d.headerName.trim(), ...optional('value', secretValue(data, 'ncip.authentication.value', auth?.type === 'header' && auth.value === SECRET_MASK)) }
      : d.authType === 'basic'
        ? { type: 'basic', username: d.username.trim(), password: secretValue(data, 'ncip.authentication.password', auth?.type === 'basic' && auth.password === SECRET_MASK) }
        : { type: 'none' };
  return {
    enabled: d.enabled,
    url: d.url.trim(),
    fromAgencyId: d.fromAgencyId.trim(),
    toAgencyId: d.toAgencyId.trim(),
    ...optional('fromAgencyAuthentication', secretValue(data, 'ncip.fromAgencyAuthentication', stored.fromAgencyAuthentication === SECRET_MASK)),
    ...optional('applicationProfile', d.applicationProfile),
    authentication,
    contentType: d.contentType,
    ...optional('timeoutMs', milliseconds(d.timeoutSeconds)),
    ...optional('requestType', d.requestType),
    ...optional('requestScopeType', d.requestScopeType),
    steps: d.steps,
    borrowerAccounts: recordOf(d.accounts, (account) => account.trim()),
    ...optional('defaultBorrowerAccount', d.defaultBorrowerAccount),
    ...optional('temporaryBarcodePrefix', d.temporaryBarcodePrefix),
  };
}

interface Props {
  readonly symbol: string;
  readonly settings: Settings;
  readonly canEdit: boolean;
}

export function NcipSection({ symbol, settings, canEdit }: Props) {
  const stored = (settings.ncip ?? {}) as Stored;
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(stored));
  // Each save starts the secret fields again from what is stored (kept ones read "set").
  const [generation, setGeneration] = useState(0);
  const [patronId, setPatronId] = useState('');
  const save = useSavePart(symbol);
  const test = useMutation({
    mutationFn: async (ncip: Record<string, unknown>) =>
      unwrap(await api.POST('/libraries/{symbol}/ncip-test', { params: { path: { symbol } }, body: { settings: ncip, ...(patronId ? { patronId } : {}) } })),
  });
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const current = () => ncipOf(draft, new FormData(form.current!), stored);
  // A save's errors are at settings.ncip.<field>, a test's at settings.<field>.
  const error = (field: string) => fieldError(save.error, `settings.ncip.${field}`) ?? fieldError(test.error, `settings.${field}`);
  // The server counts milliseconds; the form asks for seconds, so its refusal is said in seconds.
  const errorIn = (path: string) => (path === 'timeoutMs' && error(path) ? t('libraries.ncip.timeoutRange') : error(path));
  const text = (field: 'url' | 'fromAgencyId' | 'toAgencyId' | 'headerName' | 'username' | 'applicationProfile' | 'timeoutSeconds' | 'requestType' | 'requestScopeType' | 'defaultBorrowerAccount' | 'temporaryBarcodePrefix', path: string, label: MessageKey, help?: string, extra: { inputMode?: 'numeric' | 'decimal'; type?: string } = {}) => (
    <Field label={t(label)} {...(help ? { help } : {})} error={errorIn(path)}>
      {({ id, describedBy }) => (
        <input id={id} aria-describedby={describedBy} aria-invalid={errorIn(path) ? true : undefined} spellCheck={false} autoComplete="off" {...extra} value={draft[field]} onChange={(e) => set({ [field]: e.target.value })} />
      )}
    </Field>
  );
  const auth = stored.authentication;
  return (
    <form
      ref={form}
      aria-labelledby="ncip-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ncip: draft.url.trim() ? current() : null }, { onSuccess: () => setGeneration(generation + 1) });
      }}
    >
      <h2 id="ncip-heading">{t('libraries.ncip')}</h2>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.ncip.connection')}</legend>
        <CheckField label={t('libraries.ncip.enabled')} help={t('libraries.ncip.enabledHelp')} checked={draft.enabled} onChange={(enabled) => set({ enabled })} />
        {text('url', 'url', 'libraries.ncip.url', `${t('libraries.ncip.urlHelp')} ${t('libraries.ncip.urlEmptyHelp')}`, { type: 'url' })}
        {text('fromAgencyId', 'fromAgencyId', 'libraries.ncip.from', t('libraries.ncip.fromHelp'))}
        {text('toAgencyId', 'toAgencyId', 'libraries.ncip.to', t('libraries.ncip.toHelp'))}
        <SecretField key={`from-${generation}`} legend={t('libraries.ncip.secret')} name="ncip.fromAgencyAuthentication" stored={stored.fromAgencyAuthentication === SECRET_MASK} error={save.error ?? test.error} />
        <p className="admin-help">{t('libraries.ncip.secretHelp')}</p>
      </fieldset>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.ncip.authentication')}</legend>
        <Field label={t('libraries.ncip.auth.type')} help={t('libraries.ncip.auth.typeHelp')} error={error('authentication.type') ?? error('authentication')}>
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={draft.authType} onChange={(e) => set({ authType: e.target.value as AuthType })}>
              {(['none', 'header', 'basic'] as const).map((type) => (
                <option key={type} value={type}>
                  {t(`libraries.ncip.auth.${type}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {draft.authType === 'header' && (
          <>
            {text('headerName', 'authentication.name', 'libraries.ncip.auth.headerName', t('libraries.ncip.auth.headerNameHelp'))}
            <SecretField key={`header-${generation}`} legend={t('libraries.ncip.auth.headerValue')} name="ncip.authentication.value" stored={auth?.type === 'header' && auth.value === SECRET_MASK} error={save.error ?? test.error} />
          </>
        )}
        {draft.authType === 'basic' && (
          <>
            {text('username', 'authentication.username', 'libraries.ncip.auth.username')}
            <SecretField key={`basic-${generation}`} legend={t('libraries.ncip.auth.password')} name="ncip.authentication.password" stored={auth?.type === 'basic' && auth.password === SECRET_MASK} error={save.error ?? test.error} />
          </>
        )}
      </fieldset>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.ncip.steps')}</legend>
        <p className="admin-help">{t('libraries.ncip.stepsHelp')}</p>
        {STEPS.map((step) => (
          <CheckField key={step} label={t(`libraries.ncip.step.${step}`)} help={t(`libraries.ncip.step.${step}Help`)} checked={draft.steps[step]} onChange={(on) => set({ steps: { ...draft.steps, [step]: on } })} />
        ))}
      </fieldset>
      <fieldset disabled={!canEdit} className="admin-group">
        <legend>{t('libraries.ncip.accounts')}</legend>
        <PairsTable
          caption={t('libraries.ncip.accountsTable')}
          help={t('libraries.ncip.accountsHelp')}
          keyLabel={t('libraries.ncip.account.symbol')}
          valueLabel={t('libraries.ncip.account.account')}
          rows={draft.accounts}
          onChange={(accounts) => set({ accounts })}
          canEdit={canEdit}
          errorOf={(row) => error(`borrowerAccounts.${row.key.trim()}`)}
        />
        {text('defaultBorrowerAccount', 'defaultBorrowerAccount', 'libraries.ncip.defaultAccount', t('libraries.ncip.defaultAccountHelp'))}
      </fieldset>
      <details className="admin-more">
        <summary>{t('libraries.ncip.more')}</summary>
        <fieldset disabled={!canEdit} className="admin-group">
          <legend>{t('libraries.ncip.protocol')}</legend>
          <Field label={t('libraries.ncip.contentType')} help={t('libraries.ncip.contentTypeHelp')} error={error('contentType')}>
            {({ id, describedBy }) => (
              <select id={id} aria-describedby={describedBy} value={draft.contentType} onChange={(e) => set({ contentType: e.target.value })}>
                <option value="application/xml">application/xml</option>
                <option value="text/xml">text/xml</option>
              </select>
            )}
          </Field>
          {text('applicationProfile', 'applicationProfile', 'libraries.ncip.appProfile', t('libraries.ncip.appProfileHelp'))}
          {text('timeoutSeconds', 'timeoutMs', 'libraries.ncip.timeout', t('libraries.ncip.timeoutHelp'), { inputMode: 'decimal' })}
          {text('requestType', 'requestType', 'libraries.ncip.requestType', t('libraries.ncip.requestTypeHelp'))}
          {text('requestScopeType', 'requestScopeType', 'libraries.ncip.requestScope', t('libraries.ncip.requestScopeHelp'))}
          {text('temporaryBarcodePrefix', 'temporaryBarcodePrefix', 'libraries.ncip.barcodePrefix', t('libraries.ncip.barcodePrefixHelp'))}
        </fieldset>
      </details>
      {canEdit && (
        <div className="admin-actions">
          <button type="submit" disabled={save.isPending}>
            {t('libraries.save')}
          </button>
        </div>
      )}
      <Saved save={save} />
      {canEdit && (
        <div className="admin-ncip-test">
          <h3>{t('libraries.ncip.test')}</h3>
          <p className="admin-help">{t('libraries.ncip.testHelp')}</p>
          <Field label={t('libraries.ncip.patron')}>{({ id }) => <input id={id} value={patronId} autoComplete="off" onChange={(e) => setPatronId(e.target.value)} />}</Field>
          <button type="button" onClick={() => test.mutate(current())} disabled={test.isPending}>
            {test.isPending ? t('libraries.ncip.testing') : t('libraries.ncip.test')}
          </button>
          <div aria-live="polite" className="admin-ncip-result">
            {test.error && <ProblemMessage error={test.error} />}
            {test.data && (
              <>
                <p>{test.data.reachable ? t('libraries.ncip.reachable', { url: test.data.url }) : t('libraries.ncip.unreachable', { url: test.data.url })}</p>
                <ul>
                  {test.data.steps.map((step) => (
                    <li key={step.service} className={step.ok ? '' : 'problem'}>
                      <strong>{step.service}</strong>: {step.message}
                    </li>
                  ))}
                </ul>
                <details>
                  <summary>{t('libraries.ncip.raw')}</summary>
                  {test.data.exchanges.map((exchange, i) => (
                    <div key={i}>
                      <h4>{t('libraries.ncip.request', { service: exchange.service })}</h4>
                      <pre>{exchange.requestXml}</pre>
                      {exchange.responseXml !== undefined && (
                        <>
                          <h4>{t('libraries.ncip.response', { service: exchange.service })}</h4>
                          <pre>{exchange.responseXml}</pre>
                        </>
                      )}
                    </div>
                  ))}
                </details>
              </>
            )}
          </div>
        </div>
      )}
    </form>
  );
}
