/** A labelled input with an optional hint and the server's message for that field (aria-invalid, described by both). */
import { type InputHTMLAttributes, useId } from 'react';
import { ApiError } from '../api/client';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  readonly label: string;
  readonly name: string;
  readonly hint?: string;
  /** The failed call: a 400's message for this field (by its name) is shown under it. */
  readonly error?: unknown;
  /** A message of the form's own (two passwords differ). */
  readonly message?: string;
}

export function fieldMessage(error: unknown, name: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((e) => e.path === name || e.path.endsWith(`.${name}`) || e.path === `/${name}`)?.message;
}

export function TextField({ label, name, hint, error, message, ...input }: Props) {
  const id = useId();
  const problem = message ?? fieldMessage(error, name);
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-describedby={described} aria-invalid={problem ? true : undefined} {...input} />
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {problem && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}
