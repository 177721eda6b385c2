/** Reading the session, and where someone who is not signed in goes (first-run setup or sign-in). */
import { api, unwrap } from '../api/client';
import type { Session } from '../session';

export const SESSION_KEY = ['session'] as const;

export async function fetchSession(): Promise<Session> {
  return unwrap(await api.GET('/session'));
}

export async function signInPath(wanted: string): Promise<string> {
  const setup = unwrap(await api.GET('/setup'));
  if (setup.setupNeeded) return '/setup';
  return wanted === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(wanted)}`;
}

/** Where to go after signing in: only a path of this app (never another site: `//host`, `/\host`). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
