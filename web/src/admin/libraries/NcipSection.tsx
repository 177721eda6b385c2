/** The ILS connection (NCIP) part, and the test connection with what came back in plain words. */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { t } from '../../i18n/t';
import { Field } from './Field';
import { fieldError, useSavePart, type Settings } from './settings';

interface Props {
  readonly symbol: string;
  readonly settings: Settings;
  readonly canEdit: boolean;
}

export function NcipSection({ symbol, settings, canEdit }: Props) {
  const stored = (settings.ncip ?? {}) as Settings;
  const [ncip, setNcip] = useState<Settings>({ ...stored });
  const [patronId, setPatronId] = useState('');
  const save = useSavePart(symbol);
  const test = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/libraries/{symbol}/ncip-test', { params: { path: { symbol } }, body: { settings: ncip, ...(patronId ? { patronId } : {}) } })),
  });
  const text = (key: string, label: string, help: string) => (
    <Field label={label} help={help} error={fieldError(save.error, `settings.ncip.${key}`) ?? fieldError(test.error, `settings.${key}`)}>
      {({ id, describedBy }) => (
        <input id={id} aria-describedby={describedBy} value={(ncip[key] as string | undefined) ?? ''} onChange={(e) => setNcip({ ...ncip, [key]: e.target.value || undefined })} />
      )}
    </Field>
  );
  return (
    <form
      aria-labelledby="ncip-heading"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ncip: ncip.url ? ncip : null });
      }}
    >
      <h2 id="ncip-heading">{t('libraries.ncip')}</h2>
      <fieldset disabled={!canEdit}>
        {text('url', t('libraries.ncip.url'), t('libraries.ncip.urlHelp'))}
        {text('fromAgencyId', t('libraries.ncip.from'), t('libraries.ncip.fromHelp'))}
        {text('toAgencyId', t('libraries.ncip.to'), t('libraries.ncip.toHelp'))}
        {text('fromAgencyAuthentication', t('libraries.ncip.secret'), t('libraries.ncip.secretHelp'))}
        {canEdit && <button type="submit">{t('libraries.save')}</button>}
      </fieldset>
      <div aria-live="polite">
        {save.isSuccess && <p>{t('libraries.saved')}</p>}
        {save.error && <ProblemMessage error={save.error} inForm />}
      </div>
      {canEdit && (
        <div className="admin-ncip-test">
          <h3>{t('libraries.ncip.test')}</h3>
          <p className="admin-help">{t('libraries.ncip.testHelp')}</p>
          <Field label={t('libraries.ncip.patron')}>{({ id }) => <input id={id} value={patronId} onChange={(e) => setPatronId(e.target.value)} />}</Field>
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
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
