/** /patron/libraries/{library}, /patron/session: what a patron page knows before sign-in, signing in (card, or e-mail link) and out. */
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import { emailLinkRequestSchema, linkSignInSchema, sendSignInLink, signInWithLink, type EmailLinkDeps } from '../../services/patrons/email-link';
import { patronLibrary } from '../../services/patrons/library-info';
import { patronSessionView } from '../../services/patrons/session-view';
import { signOutPatron, type OpenedPatronSession, type PatronSessionLifetimes } from '../../services/patrons/sessions';
import { cardSignInSchema, signInGuard, signInWithCard, type PatronSignInDeps } from '../../services/patrons/sign-in';
import { DEFAULT_PATRON_SIGN_IN_LIMITS, type PatronSignInLimits } from '../../services/patrons/sign-in-limits';
import { patronLibrarySchema, patronSessionSchema, sentSignInLinkSchema } from './patron-schemas';
import { anonymousRoute, patronRoute, type ApiRoute } from './route';
import { clearPatronCookie, setPatronCookie } from './session-cookie';
import type { Request, Response } from 'express';

const tag = 'Patrons';

export const libraryParams = z.object({ library: z.string().meta({ description: 'The library’s symbol, e.g. ISIL:DE-1 (case does not matter)' }) });

export type PatronSessionDeps = PatronSignInDeps & EmailLinkDeps;

export interface PatronSessionOptions {
  readonly limits?: PatronSignInLimits;
  /** How long a patron session lasts unused, and at most (the gate checks them with the same). */
  readonly lifetimes?: PatronSessionLifetimes;
}

/** One client address as the limits count it (IPv6 by its /56, as the staff limit does). */
const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

export function patronSessionRoutes(deps: PatronSessionDeps, options: PatronSessionOptions = {}): ApiRoute[] {
  const guard = signInGuard(options.limits ?? DEFAULT_PATRON_SIGN_IN_LIMITS, deps);
  /** A sign-in that succeeded, either way: the cookie, and the session as the pages show it. */
  const signedIn = (http: { readonly req: Request; readonly res: Response }, opened: OpenedPatronSession) => {
    setPatronCookie(http.req, http.res, opened.token, opened.patron.expiresAt);
    return patronSessionView(deps, opened.patron);
  };
  return [
    anonymousRoute({
      method: 'get',
      path: '/patron/libraries/{library}',
      operationId: 'getPatronLibrary',
      summary: 'A library as its patron pages show it',
      description: 'Name, language, whether patrons may request online and how they sign in, pickup locations. Anyone may ask: it is what the OpenURL form shows before sign-in.',
      tag,
      params: libraryParams,
      success: { status: 200, description: 'The library', schema: patronLibrarySchema },
      handle: ({ params }) => patronLibrary(deps, params.library!),
    }),
    anonymousRoute({
      method: 'post',
      path: '/patron/session',
      operationId: 'patronSignIn',
      summary: 'Sign in with the library card',
      description:
        'The barcode and PIN are checked by the library’s ILS (NCIP LookupUser with AuthenticationInput). A wrong card or PIN answers 401 with code wrong_card; ' +
        'after a few for one card, or more from one address, 429 for a while (a right PIN included). An ILS that does not answer: 503 with code sign_in_unavailable. ' +
        'A blocked patron is signed in (blocked: true, with the reasons), so the form can say why before anything is submitted. A library whose patrons sign in otherwise: 409.',
      tag,
      body: cardSignInSchema,
      ownFailureLimit: true,
      success: { status: 201, description: 'The patron’s session; the ill_patron cookie is set', schema: patronSessionSchema },
      problems: [401, 409, 503],
      handle: async ({ body, http }) => signedIn(http, await signInWithCard(deps, guard, body, { address: addressOf(http.req) }, options.lifetimes)),
    }),
    anonymousRoute({
      method: 'post',
      path: '/patron/session/email-link',
      operationId: 'sendPatronSignInLink',
      summary: 'Mail a one-time sign-in link',
      description:
        'For libraries whose patrons sign in by e-mail (no NCIP): the link goes to the address, if it is at one of the library’s e-mail domains (else 400 with code not_allowed_domain), ' +
        'and signs in once within 15 minutes. A library whose patrons sign in otherwise: 409. A few links per address and window, then 429. No mail could be sent: 503 with code sign_in_unavailable.',
      tag,
      body: emailLinkRequestSchema,
      ownFailureLimit: true,
      success: { status: 202, description: 'The link was sent', schema: sentSignInLinkSchema },
      problems: [409, 503],
      handle: ({ body, http }) => sendSignInLink(deps, guard, body, { address: addressOf(http.req) }),
    }),
    anonymousRoute({
      method: 'post',
      path: '/patron/session/link',
      operationId: 'patronSignInWithLink',
      summary: 'Sign in with a mailed link',
      description: 'The token is the last part of the link’s path. A link used before or unknown: 401 with code link_invalid; one past its 15 minutes: 401 with code link_expired.',
      tag,
      body: linkSignInSchema,
      ownFailureLimit: true,
      success: { status: 201, description: 'The patron’s session; the ill_patron cookie is set', schema: patronSessionSchema },
      problems: [401, 409],
      handle: async ({ body, http }) => signedIn(http, await signInWithLink(deps, body.token, options.lifetimes)),
    }),
    patronRoute({
      method: 'get',
      path: '/patron/session',
      operationId: 'getPatronSession',
      summary: 'The signed-in patron’s session',
      description: '401 when no patron is signed in here (the page then offers sign-in). Each use moves the idle expiry on.',
      tag,
      success: { status: 200, description: 'The session', schema: patronSessionSchema },
      handle: ({ patron }) => patronSessionView(deps, patron),
    }),
    patronRoute({
      method: 'delete',
      path: '/patron/session',
      operationId: 'patronSignOut',
      summary: 'Sign the patron out',
      tag,
      success: { status: 204, description: 'Signed out; the cookie is cleared' },
      handle: async ({ patron, http }) => {
        await signOutPatron(deps, patron);
        clearPatronCookie(http.req, http.res);
      },
    }),
  ];
}
