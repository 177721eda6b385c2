/**
 * The patron pages' frame: the library's name, who is signed in (and signing out), one column.
 * No staff navigation, no staff session. The language is the library's.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { patronApi, SESSION_KEY, type PatronSession } from './api';
import { languageOf, PatronLanguageProvider, useWords } from './i18n';
import './patron.css';

interface Props {
  readonly library?: { readonly symbol: string; readonly name: string; readonly language: string };
  readonly session?: PatronSession | null;
  readonly children: ReactNode;
}

export function PatronLayout({ library, session, children }: Props) {
  return (
    <PatronLanguageProvider language={languageOf(library?.language)}>
      <div className="patron">
        <header className="patron-header">
          <p className="patron-library">{library?.name ?? '\u00a0'}</p>
          {library && session && <SignedInAs library={library.symbol} session={session} />}
        </header>
        <main id="main" className="patron-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </PatronLanguageProvider>
  );
}

function SignedInAs({ library, session }: { readonly library: string; readonly session: PatronSession }) {
  const { t } = useWords();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: patronApi.signOut,
    onSettled: () => {
      queryClient.setQueryData(SESSION_KEY, null);
      queryClient.removeQueries({ queryKey: ['patron', 'requests'] });
      void navigate(`/patron/${encodeURIComponent(library)}`, { state: { signedOut: true } });
    },
  });
  const who = session.name ?? session.email;
  return (
    <div className="patron-who">
      <span>{who ? t('page.signedInAs', { name: who }) : t('page.signedIn')}</span>
      <button type="button" className="patron-secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        {t('page.signOut')}
      </button>
    </div>
  );
}

/** The tab's title: the screen, then the library. */
export function usePageTitle(screen: string, library: string | undefined): void {
  const { t } = useWords();
  useEffect(() => {
    document.title = library ? t('page.title', { screen, library }) : screen;
  }, [screen, library, t]);
}

/** A polite live region that is always there, so a new message in it is read out. */
export function LiveRegion({ message }: { readonly message: string | undefined }) {
  return (
    <p className="patron-live" role="status">
      {message ?? ''}
    </p>
  );
}

export function Loading() {
  const { t } = useWords();
  return <p className="patron-muted">{t('page.loading')}</p>;
}

export function Failed({ onRetry }: { readonly onRetry?: () => void }) {
  const { t } = useWords();
  return (
    <div className="patron-problem" role="alert">
      <p>{t('page.error')}</p>
      {onRetry && (
        <button type="button" className="patron-secondary" onClick={onRetry}>
          {t('page.retry')}
        </button>
      )}
    </div>
  );
}
