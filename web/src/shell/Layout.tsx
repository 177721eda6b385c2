/**
 * The frame of every signed-in screen: a skip link, the header (app, library, person, sign out),
 * the navigation "Main", the scan box and the live indicator. Pages render their own <main>.
 */
import { type MouseEvent, useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { t } from '../i18n/t';
import { LiveIndicator } from '../live/LiveIndicator';
import { useLiveEvents } from '../live/useLiveEvents';
import { useSession } from '../session';
import { ScanBox } from './ScanBox';
import { UserMenu } from './UserMenu';

function focusMain(event?: MouseEvent) {
  const main = document.querySelector('main');
  if (!main) return;
  event?.preventDefault();
  if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
  main.focus();
}

export function Layout() {
  const session = useSession();
  const live = useLiveEvents();
  const { pathname } = useLocation();
  const first = useRef(true);

  // A new screen: focus goes to its content (as a page load would), unless the page already put it there.
  useEffect(() => {
    // The skip link's target, whichever page renders the <main>.
    const main = document.querySelector('main');
    if (main && !main.id) main.id = 'main';
    if (first.current) {
      first.current = false;
      return;
    }
    if (!document.querySelector('main')?.contains(document.activeElement)) focusMain();
  }, [pathname]);

  const library = session.user.library ? t('shell.library', { library: session.user.library }) : t('shell.allLibraries');
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={focusMain}>
        {t('shell.skip')}
      </a>
      <header className="app-header">
        <div className="brand">
          <Link to="/" className="app-name">
            {t('app.title')}
          </Link>
          <span className="library">{library}</span>
        </div>
        <ScanBox />
        <UserMenu />
      </header>
      <div className="nav-bar">
        <nav aria-label={t('shell.nav')}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t('shell.nav.queues')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/search">{t('shell.nav.search')}</NavLink>
            </li>
            <li>
              <NavLink to="/requests/new">{t('shell.nav.new')}</NavLink>
            </li>
            <li>
              <NavLink to="/statistics">{t('statistics.nav')}</NavLink>
            </li>
            <li>
              <NavLink to="/account">{t('shell.nav.account')}</NavLink>
            </li>
            {/* Everyone may look (GET routes); only admins see the forms enabled. */}
            <li>
              <NavLink to="/admin">{t('shell.nav.admin')}</NavLink>
            </li>
          </ul>
        </nav>
        <LiveIndicator status={live} />
      </div>
      <Outlet />
    </div>
  );
}
