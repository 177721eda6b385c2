/**
 * A write-only secret: what is stored is never shown, only whether there is one. The person
 * keeps it, sets a new one (a password input appears) or removes it; the form reads the choice
 * as `<name>.choice` and the new value as `<name>`.
 */
import { useId, useState } from 'react';
import { fieldMessage } from '../../components/TextField';
import { t } from '../../i18n/t';

export type SecretChoice = 'unchanged' | 'set' | 'remove';

interface Props {
  readonly legend: string;
  readonly name: string;
  readonly stored: boolean;
  readonly error?: unknown;
}

export function SecretField({ legend, name, stored, error }: Props) {
  const id = useId();
  const [choice, setChoice] = useState<SecretChoice>('unchanged');
  const problem = fieldMessage(error, name);
  const choices: SecretChoice[] = stored ? ['unchanged', 'set', 'remove'] : ['unchanged', 'set'];
  return (
    <fieldset className="secret-field">
      <legend>{legend}</legend>
      <p className="muted">{t(stored ? 'partner.secret.isSet' : 'partner.secret.notSet')}</p>
      <div className="choices">
        {choices.map((c) => (
          <label key={c}>
            <input type="radio" name={`${name}.choice`} value={c} checked={choice === c} onChange={() => setChoice(c)} /> {t(`partner.secret.${c}`)}
          </label>
        ))}
      </div>
      {choice === 'set' && (
        <div className="field">
          <label htmlFor={`${id}-value`}>{t('partner.secret.value', { what: legend.toLowerCase() })}</label>
          <input id={`${id}-value`} name={name} type="password" autoComplete="off" required aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined} />
        </div>
      )}
      {problem && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </fieldset>
  );
}

/** The value to send for a secret: the mask keeps the stored one, absent removes it. */
export function secretValue(data: FormData, name: string, stored: boolean): string | undefined {
  const choice = String(data.get(`${name}.choice`) ?? 'unchanged') as SecretChoice;
  if (choice === 'set') return String(data.get(name) ?? '');
  if (choice === 'unchanged' && stored) return SECRET_MASK;
  return undefined;
}

export const SECRET_MASK = '********';
