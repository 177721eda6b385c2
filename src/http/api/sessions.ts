/** /setup, /session: the first administrator, signing in and out, and one's own password. */
import { isPerson, type Principal, type PersonPrincipal } from '../../services/access/api-keys';
import { changeOwnPassword, checkCredentials, currentSession, openSession, passwordChangeSchema, signInSchema, signOut, signOutEverywhere, type SessionLifetimes } from '../../services/access/sessions';
import { completeSetup, setupNeeded, setupSchema } from '../../services/access/setup';
import type { ServiceDeps } from '../../services/deps';
import { Unauthenticated } from '../../services/errors';
import { anonymousRoute, apiRoute, type ApiRoute, type RouteContext } from './route';
import { sessionSchema, setupStatusSchema } from './schemas';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

const tag = 'Sign-in';

/** The router lets only people through to these routes (access: 'person'). */
const person = (principal: Principal): PersonPrincipal => {
  if (!isPerson(principal)) throw new Error('a person route was reached by a key');
  return principal;
};

export function sessionRoutes(deps: ServiceDeps, lifetimes: SessionLifetimes): ApiRoute[] {
  /** Signing out (here, or everywhere): the sessions end, and this browser's cookie is cleared. */
  const endingSessions =
    (end: (deps: ServiceDeps, who: PersonPrincipal) => Promise<unknown>) =>
    async ({ principal, http }: RouteContext): Promise<void> => {
      await end(deps, person(principal));
      clearSessionCookie(http.req, http.res);
    };
  return [
    anonymousRoute({
      method: 'get',
      path: '/setup',
      operationId: 'getSetupStatus',
      summary: 'Whether the first administrator is still to be made',
      tag,
      success: { status: 200, description: 'Setup status', schema: setupStatusSchema },
      handle: async () => ({ setupNeeded: await setupNeeded(deps) }),
    }),
    anonymousRoute({
      method: 'post',
      path: '/setup',
      operationId: 'completeSetup',
      summary: 'Make the first administrator',
      description:
        'Only while no staff user exists, and only with the one-time setup code the server logs at start-up (a restart makes a new one). ' +
        'The new administrator (all libraries) is signed in. A wrong code answers 403 and counts as a failed authentication; once a user exists, 409.',
      tag,
      body: setupSchema,
      success: { status: 201, description: 'The new administrator’s session; the session cookie is set', schema: sessionSchema },
      problems: [409],
      handle: async ({ body, http }) => {
        const user = await completeSetup(deps, body);
        const opened = await openSession(deps, user, lifetimes);
        setSessionCookie(http.req, http.res, opened.token, opened.view.expiresAt);
        return opened.view;
      },
    }),
    anonymousRoute({
      method: 'post',
      path: '/session',
      operationId: 'signIn',
      summary: 'Sign in',
      description: 'A wrong username, a wrong password and a disabled account all answer the same 401, counted by the failed-authentication limit.',
      tag,
      body: signInSchema,
      success: { status: 200, description: 'The session; the session cookie is set', schema: sessionSchema },
      problems: [401],
      handle: async ({ body, http }) => {
        const user = await checkCredentials(deps, body.username, body.password);
        if (!user) throw new Unauthenticated('the username or password is not right', false);
        const opened = await openSession(deps, user, lifetimes);
        setSessionCookie(http.req, http.res, opened.token, opened.view.expiresAt);
        return opened.view;
      },
    }),
    apiRoute({
      method: 'get',
      path: '/session',
      operationId: 'getSession',
      summary: 'The signed-in person’s session',
      description: '401 when nobody is signed in (the web app then shows sign-in).',
      tag,
      role: 'read-only',
      access: 'person',
      success: { status: 200, description: 'The session', schema: sessionSchema },
      handle: ({ principal }) => currentSession(deps, person(principal)),
    }),
    apiRoute({
      method: 'delete',
      path: '/session',
      operationId: 'signOut',
      summary: 'Sign out',
      tag,
      role: 'read-only',
      access: 'person',
      success: { status: 204, description: 'Signed out; the cookie is cleared' },
      handle: endingSessions(signOut),
    }),
    apiRoute({
      method: 'post',
      path: '/session/sign-out-everywhere',
      operationId: 'signOutEverywhere',
      summary: 'Sign out everywhere',
      description: 'Ends every session of this person, this one included.',
      tag,
      role: 'read-only',
      access: 'person',
      success: { status: 204, description: 'Every session ended; the cookie is cleared' },
      handle: endingSessions(signOutEverywhere),
    }),
    apiRoute({
      method: 'post',
      path: '/session/password',
      operationId: 'changePassword',
      summary: 'Change one’s own password',
      description: 'Needs the current password; every other session of this person ends, this one goes on.',
      tag,
      role: 'read-only',
      access: 'person',
      body: passwordChangeSchema,
      success: { status: 204, description: 'Changed' },
      handle: ({ principal, body }) => changeOwnPassword(deps, person(principal), body),
    }),
  ];
}
