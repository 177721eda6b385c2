/** What became of a section's save, announced: saved, or the server's refusal (fields point to themselves). */
import { ProblemMessage } from '../../components/ProblemMessage';
import { t } from '../../i18n/t';
import type { useSavePart } from './settings';

export function Saved({ save, message }: { readonly save: ReturnType<typeof useSavePart>; readonly message?: string | undefined }) {
  return (
    <div aria-live="polite" className="admin-saved">
      {save.isSuccess && <p>{message ?? t('libraries.saved')}</p>}
      {save.error && <ProblemMessage error={save.error} inForm />}
    </div>
  );
}
