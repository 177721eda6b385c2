/** A library the link names that we cannot show: unknown (a 4xx, or no library named), or the server did not answer. */
import { ApiError } from '../api/client';
import { Failed } from './PatronLayout';
import { useWords } from './i18n';

export function LibraryProblem({ error, onRetry }: { readonly error: unknown; readonly onRetry: () => void }) {
  const { t } = useWords();
  if (error && !(error instanceof ApiError && error.status < 500)) return <Failed onRetry={onRetry} />;
  return (
    <p className="patron-problem" role="alert">
      {t('page.unknownLibrary')}
    </p>
  );
}
