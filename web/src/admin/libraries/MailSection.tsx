/**
 * Patron mail: sender, time zone, the notices switched on, and a template editor per notice with
 * a live preview (rendered by the server, not saved), the notice's own variables, and a warning for
 * each unknown variable or one of another notice.
 * The two bodies are edited together: the server refuses one without the other.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemMessage } from '../../components/ProblemMessage';
import { t } from '../../i18n/t';
import { PATRON_NOTICES as NOTICES, type PatronNotice as Notice } from '../../notices';
import { useDebounced } from '../../new-request/use-debounced';
import { Field } from './Field';
import { fieldError, htmlFromText, useSavePart, type Settings } from './settings';

interface Template {
  subject?: string;
  text?: string;
  html?: string;
}

interface Props {
  readonly symbol: string;
  readonly settings: Settings;
  readonly canEdit: boolean;
}

export function MailSection({ symbol, settings, canEdit }: Props) {
  const stored = (settings.mail ?? {}) as { fromAddress?: string; timeZone?: string; events?: Notice[]; templates?: Partial<Record<Notice, Template>> } & Settings;
  const [fromAddress, setFromAddress] = useState(stored.fromAddress ?? '');
  const [timeZone, setTimeZone] = useState(stored.timeZone ?? 'UTC');
  const [events, setEvents] = useState<Notice[]>(stored.events ?? [...NOTICES]);
  const [templates, setTemplates] = useState<Partial<Record<Notice, Template>>>(stored.templates ?? {});
  const [editing, setEditing] = useState<Notice>('shipped');
  const save = useSavePart(symbol);
  const mail = () => ({ ...stored, ...(fromAddress ? { fromAddress } : { fromAddress: undefined }), timeZone, events, templates });
  return (
    <form
      aria-labelledby="mail-heading"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ mail: mail() });
      }}
    >
      <h2 id="mail-heading">{t('libraries.mail')}</h2>
      <fieldset disabled={!canEdit}>
        <Field label={t('libraries.mail.from')} help={t('libraries.mail.fromHelp')} error={fieldError(save.error, 'settings.mail.fromAddress')}>
          {({ id, describedBy }) => <input id={id} type="email" aria-describedby={describedBy} value={fromAddress} onChange={(e) => setFromAddress(e.target.value)} />}
        </Field>
        <Field label={t('libraries.mail.timeZone')} help={t('libraries.mail.timeZoneHelp')} error={fieldError(save.error, 'settings.mail.timeZone')}>
          {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>{t('libraries.mail.events')}</legend>
          <ul className="admin-events">
            {NOTICES.map((notice) => (
              <li key={notice}>
                <label>
                  <input type="checkbox" checked={events.includes(notice)} onChange={(e) => setEvents(e.target.checked ? [...events, notice] : events.filter((n) => n !== notice))} /> {notice.replace(/_/g, ' ')}
                </label>{' '}
                <button type="button" onClick={() => setEditing(notice)} aria-pressed={editing === notice}>
                  {t('libraries.mail.edit', { event: notice.replace(/_/g, ' ') })}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        <TemplateEditor
          key={editing}
          symbol={symbol}
          notice={editing}
          timeZone={timeZone}
          template={templates[editing] ?? {}}
          errorOf={(part) => fieldError(save.error, `settings.mail.templates.${editing}.${part}`)}
          onChange={(template) => setTemplates({ ...templates, [editing]: template })}
        />
        {canEdit && <button type="submit">{t('libraries.mail.save')}</button>}
      </fieldset>
      <div aria-live="polite">
        {save.isSuccess && <p>{t('libraries.saved')}</p>}
        {save.error && <ProblemMessage error={save.error} inForm />}
      </div>
    </form>
  );
}

interface EditorProps {
  readonly symbol: string;
  readonly notice: Notice;
  readonly timeZone: string;
  readonly template: Template;
  readonly errorOf: (part: string) => string | undefined;
  readonly onChange: (template: Template) => void;
}

function TemplateEditor({ symbol, notice, timeZone, template, errorOf, onChange }: EditorProps) {
  const [requestId, setRequestId] = useState('');
  // Debounced as a string: a new object each render would restart the wait for ever.
  const draft = JSON.parse(useDebounced(JSON.stringify({ template, requestId, timeZone }), 300)) as { template: Template; requestId: string; timeZone: string };
  const clean = Object.fromEntries(Object.entries(draft.template).filter(([, v]) => v !== undefined && v !== '')) as Template;
  const preview = useQuery({
    queryKey: ['template-preview', symbol, notice, clean, draft.requestId, draft.timeZone],
    queryFn: async () =>
      unwrap(
        await api.POST('/libraries/{symbol}/notices/{event}/preview', {
          params: { path: { symbol, event: notice } },
          body: { template: clean, timeZone: draft.timeZone, ...(draft.requestId ? { requestId: draft.requestId } : {}) },
        }),
      ),
    retry: false,
  });
  const set = (part: keyof Template, value: string) => onChange({ ...template, [part]: value || undefined });
  const body = (part: 'text' | 'html', label: string) => (
    <Field label={label} error={errorOf(part)}>
      {({ id, describedBy }) => (
        <textarea id={id} aria-describedby={describedBy} rows={8} value={template[part] ?? preview.data?.template[part] ?? ''} onChange={(e) => {
          // Editing one body starts overriding both, the other from what it says now.
          const other = part === 'text' ? 'html' : 'text';
          onChange({ ...template, [part]: e.target.value, [other]: template[other] ?? preview.data?.template[other] ?? '' });
        }} />
      )}
    </Field>
  );
  return (
    <div className="admin-template">
      <h3>
        {t('libraries.mail.template')}: {notice.replace(/_/g, ' ')}
      </h3>
      <Field label={t('libraries.mail.subject')} error={errorOf('subject')}>
        {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} value={template.subject ?? ''} placeholder={preview.data?.template.subject ?? ''} onChange={(e) => set('subject', e.target.value)} />}
      </Field>
      <p className="admin-help">{t('libraries.mail.bodiesRule')}</p>
      {body('text', t('libraries.mail.text'))}
      {body('html', t('libraries.mail.html'))}
      <p>
        <button type="button" onClick={() => onChange({ ...template, html: htmlFromText(template.text ?? preview.data?.template.text ?? ''), text: template.text ?? preview.data?.template.text ?? '' })}>
          {t('libraries.mail.deriveHtml')}
        </button>{' '}
        <button type="button" onClick={() => onChange({})}>
          {t('libraries.mail.reset')}
        </button>
      </p>
      <Field label={t('libraries.mail.requestId')}>{({ id }) => <input id={id} value={requestId} onChange={(e) => setRequestId(e.target.value.trim())} />}</Field>
      <div aria-live="polite" className="admin-preview">
        <h4>{t('libraries.mail.preview')}</h4>
        {preview.error && <ProblemMessage error={preview.error} />}
        {preview.data && (
          <>
            {preview.data.unknownVariables.length > 0 && (
              <ul className="problem" role="alert">
                {preview.data.unknownVariables.map((u) => (
                  <li key={`${u.part}:${u.name}`}>
                    {u.onlyIn
                      ? t('libraries.mail.onlyIn', { name: u.name, part: u.part, notices: u.onlyIn.map((n) => n.replace(/_/g, ' ')).join(', ') })
                      : t('libraries.mail.unknown', { name: u.name, part: u.part })}{' '}
                    {u.suggestion && t('libraries.mail.didYouMean', { suggestion: u.suggestion })}
                  </li>
                ))}
              </ul>
            )}
            <p>
              <strong>{t('libraries.mail.subject')}</strong>: {preview.data.subject}
            </p>
            <pre className="admin-preview-text">{preview.data.text}</pre>
          </>
        )}
      </div>
      <details>
        <summary>{t('libraries.mail.variables')}</summary>
        <dl>
          {(preview.data?.variables ?? []).map((v) => (
            <div key={v.name}>
              <dt>
                <code>{`{{${v.name}}}`}</code>
              </dt>
              <dd>{v.description}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
