/**
 * The list of what stops a form, shown above it after a failed submit and given the focus, so a
 * screen reader reads it at once; each entry links to its field. `general` is a problem that
 * belongs to no field (a blocked account, a limit).
 */
import { useEffect, useRef } from 'react';
import { fieldId } from './Field';
import { useWords } from './i18n';

export interface FormErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly general?: string;
  /** Changes with each failed submit, so the focus moves again even when the errors are the same. */
  readonly attempt: number;
}

export const noErrors: FormErrors = { fields: {}, attempt: 0 };

export function hasErrors(errors: FormErrors): boolean {
  return errors.general !== undefined || Object.keys(errors.fields).length > 0;
}

export function ErrorSummary({ form, errors }: { readonly form: string; readonly errors: FormErrors }) {
  const { t } = useWords();
  const ref = useRef<HTMLDivElement>(null);
  const shown = hasErrors(errors);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown, errors.attempt]);
  if (!shown) return null;
  const headingId = `${form}-errors`;
  return (
    <div ref={ref} className="patron-error-summary" tabIndex={-1} role="alert" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('errors.summary')}</h2>
      <ul>
        {errors.general && <li>{errors.general}</li>}
        {Object.entries(errors.fields).map(([name, message]) => (
          <li key={name}>
            <a
              href={`#${fieldId(form, name)}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(fieldId(form, name))?.focus();
              }}
            >
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
