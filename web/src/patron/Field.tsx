/**
 * One labelled control of a patron form: its hint and its error are read out with it
 * (aria-describedby), and the error summary links to it by `fieldId(form, name)`.
 */
import type { InputHTMLAttributes, ReactNode } from 'react';
import { useWords } from './i18n';

export const fieldId = (form: string, name: string) => `${form}-${name}`;

interface Common {
  readonly form: string;
  readonly name: string;
  readonly label: string;
  readonly hint?: ReactNode;
  readonly error?: string;
  readonly required?: boolean;
}

function described(id: string, hint: unknown, error: string | undefined): string | undefined {
  return [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
}

function Frame({ id, label, hint, error, required, children }: Common & { readonly id: string; readonly children: ReactNode }) {
  const { t } = useWords();
  return (
    <div className={error ? 'patron-field has-error' : 'patron-field'}>
      <label htmlFor={id}>
        {label}
        {required !== undefined && <span className="patron-marker"> {required ? t('form.required') : t('form.optional')}</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="patron-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="patron-error">
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

type InputProps = Common & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'form' | 'required' | 'value' | 'onChange'> & { readonly value: string; readonly onChange: (value: string) => void };

export function InputField({ form, name, label, hint, error, required, value, onChange, ...input }: InputProps) {
  const id = fieldId(form, name);
  return (
    <Frame id={id} form={form} name={name} label={label} hint={hint} error={error} required={required}>
      <input
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={described(id, hint, error)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        {...input}
      />
    </Frame>
  );
}

export function TextAreaField({ form, name, label, hint, error, value, onChange, maxLength, required }: Common & { readonly value: string; readonly onChange: (value: string) => void; readonly maxLength?: number }) {
  const id = fieldId(form, name);
  return (
    <Frame id={id} form={form} name={name} label={label} hint={hint} error={error} required={required}>
      <textarea id={id} name={name} rows={4} value={value} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} aria-describedby={described(id, hint, error)} aria-invalid={error ? true : undefined} />
    </Frame>
  );
}

export function SelectField({ form, name, label, hint, error, value, onChange, options, required }: Common & { readonly value: string; readonly onChange: (value: string) => void; readonly options: readonly { value: string; label: string }[] }) {
  const id = fieldId(form, name);
  return (
    <Frame id={id} form={form} name={name} label={label} hint={hint} error={error} required={required}>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={described(id, hint, error)} aria-invalid={error ? true : undefined} aria-required={required || undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}
