/** A failed API call in words: the server's detail (problem+json) and, for a 400, each bad field. */
import { ApiError } from '../api/client';
import { t } from '../i18n/t';

export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ProblemMessage({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const fields = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return (
    <div className="problem" role="alert">
      <p>{t('common.error', { detail: problemText(error) })}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
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
