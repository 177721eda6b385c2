/**
 * A signed status link from a patron's mail (/status/:token): that one request's state, read
 * without signing in. The link allows nothing else, so no actions are offered here; the
 * patron's page (after signing in) has them.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { patronApi, problemCode, type StatusView } from './api';
import { useWords } from './i18n';
import { Failed, Loading, PatronLayout, usePageTitle } from './PatronLayout';
import { RequestCard } from './RequestCard';

export function StatusPage() {
  const token = useParams().token ?? '';
  const status = useQuery({ queryKey: ['patron', 'status', token], queryFn: () => patronApi.status(token), retry: false, refetchOnWindowFocus: true });
  return (
    <PatronLayout library={status.data?.library}>
      {status.isPending ? <Loading /> : status.isError ? <Refused error={status.error} onRetry={() => void status.refetch()} /> : <Content view={status.data} />}
    </PatronLayout>
  );
}

function Content({ view }: { readonly view: StatusView }) {
  const { t } = useWords();
  usePageTitle(t('status.title'), view.library.name);
  return (
    <>
      <h1>{t('status.title')}</h1>
      <RequestCard request={view.request} />
      <p>
        <Link to={`/patron/${encodeURIComponent(view.library.symbol)}`}>{t('status.allRequests')}</Link>
      </p>
    </>
  );
}

function Refused({ error, onRetry }: { readonly error: unknown; readonly onRetry: () => void }) {
  const { t } = useWords();
  const code = problemCode(error);
  usePageTitle(t('status.title'), undefined);
  // Any other refusal (a malformed token, one for a request that is gone) is an invalid link too.
  if (code !== 'link_expired' && !(error instanceof ApiError && error.status < 500)) return <Failed onRetry={onRetry} />;
  return (
    <>
      <h1>{t('status.title')}</h1>
      <p className="patron-problem" role="alert">
        {code === 'link_expired' ? t('status.linkExpired') : t('status.linkInvalid')}
      </p>
    </>
  );
}
