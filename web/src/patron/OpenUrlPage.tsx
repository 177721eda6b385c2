/**
 * Where a discovery system's OpenURL lands (/openurl/:library, or /openurl?library=…): every
 * parameter of the link goes to GET /patron/citation, and the form opens filled from what it
 * understood. A bad or partial citation still opens the form, to be completed by hand.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { patronApi, useLibrary, useSession, type PatronLibrary } from './api';
import { useWords } from './i18n';
import { Loading, PatronLayout, usePageTitle } from './PatronLayout';
import { RequestForm } from './RequestForm';
import { LibraryProblem } from './LibraryProblem';

export function OpenUrlPage() {
  const params = useParams();
  const [search] = useSearchParams();
  const symbol = params.library ?? search.get('library') ?? '';
  const library = useLibrary(symbol);
  const { session, isPending: sessionPending } = useSession(symbol);
  const openUrl: Record<string, string> = {};
  search.forEach((value, key) => {
    if (key !== 'library' && !(key in openUrl)) openUrl[key] = value;
  });
  const hasCitation = Object.keys(openUrl).length > 0;
  const citation = useQuery({
    queryKey: ['patron', 'citation', new URLSearchParams(openUrl).toString()],
    queryFn: () => patronApi.citation(openUrl),
    enabled: hasCitation,
    retry: false,
    staleTime: Infinity,
  });
  const data = library.data;
  return (
    <PatronLayout library={data} session={session}>
      {!symbol || library.isError ? (
        <LibraryProblem error={library.error} onRetry={() => void library.refetch()} />
      ) : !data || sessionPending || (hasCitation && citation.isPending) ? (
        <Loading />
      ) : (
        <Content library={data} session={session} citation={citation.data?.form} />
      )}
    </PatronLayout>
  );
}

function Content({ library, session, citation }: { readonly library: PatronLibrary; readonly session: ReturnType<typeof useSession>['session']; readonly citation: Parameters<typeof RequestForm>[0]['citation'] }) {
  const { t } = useWords();
  usePageTitle(t('form.title'), library.name);
  return (
    <>
      <h1 id="request-heading">{t('form.title')}</h1>
      {!library.acceptsRequests ? (
        <p className="patron-notice">{t('page.notAccepting', { library: library.name })}</p>
      ) : (
        <>
          <p>{t('form.intro')}</p>
          <RequestForm library={library} session={session} {...(citation ? { citation } : {})} />
        </>
      )}
      {session && (
        <p>
          <Link to={`/patron/${encodeURIComponent(library.symbol)}`}>{t('page.myRequests')}</Link>
        </p>
      )}
    </>
  );
}

