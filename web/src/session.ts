/**
 * The signed-in person, as GET /api/v1/session gives it; SignedIn (shell) provides it to every
 * page below it.
 */
import { createContext, useContext } from 'react';

export interface SessionUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly role: 'admin' | 'staff' | 'read-only';
  readonly library: string | null;
  readonly mustChangePassword: boolean;
}

export interface Session {
  readonly user: SessionUser;
  readonly expiresAt: string;
  readonly idleExpiresAt: string;
  /** The library's time zone (IANA); null: the browser's. Times on every screen are shown in it. */
  readonly timeZone: string | null;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SignedIn');
  return session;
}

/** Read-only people see actions but cannot take them. */
export function canAct(session: Session): boolean {
  return session.user.role !== 'read-only';
}
