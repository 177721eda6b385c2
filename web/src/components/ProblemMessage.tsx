/** A failed API call in words: the server's detail (problem+json) and, for a 400, each bad field. */
import { ApiError } from '../api/client';
import { t } from '../i18n/t';

export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title;
  if (error instanceof Error) return error.message;
  return String(error);
}

interface Props {
  readonly error: unknown;
  readonly onRetry?: () => void;
  /** A form shows each field's message under the field (TextField): here only a pointer to them. */
  readonly inForm?: boolean;
}

export function ProblemMessage({ error, onRetry, inForm = false }: Props) {
  const all = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  if (inForm && all.length > 0) {
    return (
      <p className="problem" role="alert">
        {t('common.checkFields')}
      </p>
    );
  }
  return (
    <div className="problem" role="alert">
      <p>{t('common.error', { detail: problemText(error) })}</p>
      {all.length > 0 && (
        <ul>
          {all.map((f) => (
            <li key={`${f.path}:${f.message}`}>
              <code>{f.path}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
