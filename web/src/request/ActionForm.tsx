/** The form of one action, in place under its button: labelled fields, hints, the server's field errors. */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { actionLabel } from '../format';
import { t, tOr } from '../i18n/t';
import type { MessageKey } from '../i18n/en';
import { paramsFrom, REASONS_RETRY, REASONS_UNFILLED, type FieldSpec } from './action-forms';

const OTHER = '__other__';

interface Props {
  readonly action: string;
  readonly fields: readonly FieldSpec[];
  readonly busy: boolean;
  /** Field name -> message, from a 400; '' is the form as a whole. */
  readonly errors: Readonly<Record<string, string>>;
  readonly onSubmit: (params: Record<string, unknown>) => void;
  readonly onDismiss: () => void;
}

const key = (k: string) => k as MessageKey;

export function ActionForm({ action, fields, busy, errors, onSubmit, onDismiss }: Props) {
  const base = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const first = useRef<HTMLElement | null>(null);
  const label = actionLabel(action);

  useEffect(() => first.current?.focus(), []);

  // The first field the server found wrong gets the focus.
  const firstError = fields.find((f) => errors[f.name] !== undefined)?.name;
  useEffect(() => {
    if (firstError) document.getElementById(`${base}-${firstError}`)?.focus();
  }, [firstError, errors, base]);

  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const resolved: Record<string, string> = { ...values };
    for (const f of fields) {
      if (f.kind !== 'reasonUnfilled' && f.kind !== 'reasonRetry') continue;
      const choice = values[`${f.name}#choice`] ?? '';
      resolved[f.name] = choice === OTHER ? (values[f.name] ?? '') : choice;
    }
    onSubmit(paramsFrom(fields, resolved));
  }

  return (
    <form className="action-form" onSubmit={submit} aria-labelledby={`${base}-title`} noValidate>
      <h3 id={`${base}-title`}>{t('request.action.formTitle', { action: label })}</h3>
      {errors[''] ? <p className="field-error" role="alert">{errors['']}</p> : null}
      {fields.map((f, i) => {
        const id = `${base}-${f.name}`;
        const error = errors[f.name];
        const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        const common = {
          id,
          'aria-describedby': described,
          'aria-invalid': error ? true : undefined,
          'aria-required': f.required ? true : undefined,
          ref: i === 0 ? (el: HTMLElement | null) => void (first.current = el) : undefined,
        };
        const labelText = `${tOr(`request.field.${f.label}`, f.label)}${f.required ? ' *' : ''}`;
        let control;
        if (f.kind === 'textarea' || f.kind === 'lines') {
          control = <textarea {...common} rows={f.kind === 'lines' ? 3 : 2} value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.target.value)} />;
        } else if (f.kind === 'serviceType') {
          control = (
            <select {...common} value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.target.value)}>
              <option value="">{t('request.field.unchanged')}</option>
              {(['Loan', 'Copy', 'CopyOrLoan'] as const).map((s) => (
                <option key={s} value={s}>{t(`serviceType.${s}`)}</option>
              ))}
            </select>
          );
        } else if (f.kind === 'reasonUnfilled' || f.kind === 'reasonRetry') {
          const codes = f.kind === 'reasonUnfilled' ? REASONS_UNFILLED : REASONS_RETRY;
          const choice = values[`${f.name}#choice`] ?? '';
          control = (
            <>
              <select {...common} value={choice} onChange={(e) => set(`${f.name}#choice`, e.target.value)}>
                <option value="">{t('request.field.chooseReason')}</option>
                {codes.map((c) => (
                  <option key={c} value={c}>{tOr(`reason.${c}`, c)}</option>
                ))}
                <option value={OTHER}>{t('request.field.otherReason')}</option>
              </select>
              {choice === OTHER ? (
                <span className="field">
                  <label htmlFor={`${id}-other`}>{t(key(`request.field.${f.kind}Other`))}</label>
                  <input id={`${id}-other`} type="text" value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.target.value)} />
                </span>
              ) : null}
            </>
          );
        } else {
          control = <input {...common} type={f.kind === 'date' ? 'date' : f.kind === 'email' ? 'email' : 'text'} value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.target.value)} />;
        }
        return (
          <div className="field" key={f.name}>
            <label htmlFor={id}>{labelText}</label>
            {control}
            {f.hint ? <span id={`${id}-hint`} className="hint">{tOr(`request.hint.${f.hint}`, '')}</span> : null}
            {error ? <span id={`${id}-error`} className="field-error">{error}</span> : null}
          </div>
        );
      })}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>{t('request.action.submit', { action: label })}</button>
        <button type="button" onClick={onDismiss}>{t('request.action.dismiss')}</button>
      </div>
    </form>
  );
}
