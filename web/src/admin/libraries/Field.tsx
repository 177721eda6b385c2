/** A labelled input with its explanation and the server's error next to it. */
import { useId, type ReactNode } from 'react';

interface Props {
  readonly label: string;
  readonly help?: string;
  readonly error?: string | undefined;
  readonly children: (ids: { id: string; describedBy: string | undefined }) => ReactNode;
}

export function Field({ label, help, error, children }: Props) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="admin-field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy })}
      {help && <p id={`${id}-help`} className="admin-help">{help}</p>}
      {error && (
        <p id={`${id}-error`} className="problem">
          {error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its explanation read out with it. */
export function CheckField({ label, help, checked, onChange }: { readonly label: string; readonly help?: string; readonly checked: boolean; readonly onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="admin-check">
      <label>
        <input type="checkbox" checked={checked} aria-describedby={help ? `${id}-help` : undefined} onChange={(e) => onChange(e.target.checked)} /> {label}
      </label>
      {help && (
        <p id={`${id}-help`} className="admin-help">
          {help}
        </p>
      )}
    </div>
  );
}
