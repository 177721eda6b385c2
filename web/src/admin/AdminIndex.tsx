/** /admin: where each area of administration is (the directory, member libraries, users and keys). */
import { Link } from 'react-router';
import { useTitle } from '../components/useTitle';
import { t } from '../i18n/t';
import { useSession } from '../session';

const AREAS = [
  { heading: 'admin.directory', links: [['/admin/partners', 'admin.partners', 'admin.partnersText'], ['/admin/directory-file', 'admin.directoryFile', 'admin.directoryFileText']] },
  { heading: 'admin.libraries', links: [['/admin/libraries', 'admin.libraries', 'admin.librariesText']] },
  { heading: 'admin.access', links: [['/admin/users', 'admin.users', 'admin.usersText'], ['/admin/api-keys', 'admin.apiKeys', 'admin.apiKeysText']] },
] as const;

export function AdminIndex() {
  useTitle(t('admin.title'));
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('admin.title')}</h1>
      <ReadOnlyNotice />
      {AREAS.map((area) => (
        <section key={area.heading} aria-labelledby={`admin-${area.heading}`}>
          <h2 id={`admin-${area.heading}`}>{t(area.heading)}</h2>
          <ul className="admin-links">
            {area.links.map(([to, label, text]) => (
              <li key={to}>
                <Link to={to}>{t(label)}</Link> <span className="muted">{t(text)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}

export function isAdmin(role: string): boolean {
  return role === 'admin';
}

/** Staff and read-only people see the settings but are told why they cannot change them. */
export function ReadOnlyNotice() {
  const session = useSession();
  if (isAdmin(session.user.role)) return null;
  return <p className="notice">{t('admin.readOnly')}</p>;
}

export function BackToAdmin() {
  return (
    <p>
      <Link to="/admin">← {t('admin.back')}</Link>
    </p>
  );
}
