/** A labelled <select> whose server-side problem (problem+json `errors[].path` = `name`) shows beside it, as TextField does. */
import { useId } from 'react';
import { fieldMessage } from './TextField';

export function SelectField({ label, name, value, options, error }: { readonly label: string; readonly name: string; readonly value?: string; readonly options: readonly { value: string; label: string }[]; readonly error?: unknown }) {
  const id = useId();
  const problem = fieldMessage(error, name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {problem && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}
