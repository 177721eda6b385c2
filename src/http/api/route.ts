/**
 * One table of routes serves twice: the router registers each entry (authentication, role,
 * validation with the entry's zod schemas, then the use case), and the OpenAPI document is
 * built from the same entries, so the document cannot describe a route the server lacks.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { hasRole, isPerson, type ApiRole, type Principal } from '../../services/access/api-keys';
import { Forbidden, Unauthenticated } from '../../services/errors';
import type { PatronPrincipal } from '../../services/patrons/sessions';
import type { AccessGate } from './auth';
import { fieldProblems } from '../../services/validation';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface RouteContext<Body = unknown, Query = unknown> {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  /** The query as the route's schema parsed it (defaults filled in). */
  readonly query: Query;
  /** The body as the route's schema parsed it: the use case gets typed, validated input, once. */
  readonly body: Body;
  /** The exchange itself, for the few routes that set or clear the session cookie. */
  readonly http: { readonly req: Request; readonly res: Response };
}

/** What an anonymous route's handler gets: no principal. */
export type AnonymousContext<Body = unknown, Query = unknown> = Omit<RouteContext<Body, Query>, 'principal'>;

/** What a patron route's handler gets: the signed-in patron instead of a staff principal. */
export type PatronContext<Body = unknown, Query = unknown> = AnonymousContext<Body, Query> & { readonly patron: PatronPrincipal };

/**
 * Who may call a route: `any` (a key or a session, by role), `person` (a signed-in person only:
 * signing out, changing one's password), `anonymous` (first-run setup and signing in; its
 * refusals count as failed authentications), `patron` (a signed-in patron's cookie; no staff
 * key or session reaches these routes, nor a patron any other).
 */
export type RouteAccess = 'any' | 'person' | 'anonymous' | 'patron';

/** `contentType`: a streamed answer's media type (`text/event-stream`); JSON otherwise. */
export type RouteSuccess =
  | { readonly status: 200 | 201 | 202; readonly description: string; readonly schema: z.ZodType; readonly contentType?: string }
  | { readonly status: 204; readonly description: string; readonly schema?: undefined; readonly contentType?: undefined };

interface RouteEntry<Body extends z.ZodType, Query extends z.ZodObject> {
  readonly method: Method;
  /** OpenAPI form, relative to /api/v1: `/requests/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** The weakest role allowed; read-only keys only ever get GET routes. */
  readonly role: ApiRole;
  /** Absent: `any`. */
  readonly access?: RouteAccess;
  /** Only a key for all libraries may (the directory and the set of libraries are server-wide). */
  readonly allLibraries?: boolean;
  /**
   * An anonymous route that limits its failed attempts itself (patron sign-in: per card and per
   * address, sign-in-limits.ts): its refusals are not counted against the staff API's limit.
   */
  readonly ownFailureLimit?: boolean;
  readonly params?: z.ZodObject;
  readonly query?: Query;
  readonly body?: Body;
  readonly success: RouteSuccess;
  /** Problems the use case can answer besides the ones every route has (400, 401, 403, 404, 429). */
  readonly problems?: readonly (401 | 409 | 413 | 503)[];
  /** URL of the resource made (201 answers carry it as Location). */
  readonly location?: (body: unknown) => string;
  /**
   * A second media type the caller may ask for with Accept (NDJSON progress, then the answer):
   * answered by its `stream` instead of `handle`, and documented beside the JSON answer.
   */
  readonly alternative?: {
    readonly contentType: string;
    readonly schema: z.ZodType;
    stream(ctx: RouteContext<z.output<Body>, z.output<Query>>, req: Request, res: Response): void | Promise<void>;
  };
}

type Answer<Body extends z.ZodType, Query extends z.ZodObject> =
  | { handle(ctx: RouteContext<z.output<Body>, z.output<Query>>): Promise<unknown>; readonly stream?: never }
  | {
      /**
       * Answers with a stream of its own (server-sent events) instead of one JSON body, once the
       * caller is authenticated, allowed and its input valid; the stream ends when either side goes.
       * A promise that fails before anything was written is answered as a problem like any error.
       */
      stream(ctx: RouteContext<z.output<Body>, z.output<Query>>, req: Request, res: Response): void | Promise<void>;
      readonly handle?: never;
    };

export type ApiRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject> = RouteEntry<Body, Query> & Answer<Body, Query>;

/** An entry of the table, with its handler typed by its own schemas. */
export function apiRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject>(route: ApiRoute<Body, Query>): ApiRoute {
  return route as unknown as ApiRoute;
}

/** An entry anyone may call (no key, no session): it documents `security: []`. */
export function anonymousRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject>(
  route: Omit<RouteEntry<Body, Query>, 'role' | 'access' | 'allLibraries'> & { handle(ctx: AnonymousContext<z.output<Body>, z.output<Query>>): Promise<unknown> },
): ApiRoute {
  return { ...route, role: 'read-only', access: 'anonymous' } as unknown as ApiRoute;
}

/** An entry for signed-in patrons (the `ill_patron` cookie): it documents `security: [{ patronSession: [] }]`. */
export function patronRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject>(
  route: Omit<RouteEntry<Body, Query>, 'role' | 'access' | 'allLibraries'> & { handle(ctx: PatronContext<z.output<Body>, z.output<Query>>): Promise<unknown> },
): ApiRoute {
  return { ...route, role: 'read-only', access: 'patron' } as unknown as ApiRoute;
}

/** Public pages (the document and its viewer) need no key and answer in their own media types. */
export interface PublicRoute {
  readonly method: 'get';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly contentType: string;
  readonly public: true;
  respond(req: Request, res: Response): void;
}

export type AnyRoute = ApiRoute | PublicRoute;

export const API_BASE = '/api/v1';

export function isPublic(route: AnyRoute): route is PublicRoute {
  return 'public' in route;
}

/** `/requests/{id}` -> `/requests/:id` */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** Express gives a repeated parameter as an array; it reads as a comma-separated list. */
function flatQuery(query: Request['query']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) flat[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  return flat;
}

function parse<T extends z.ZodType>(schema: T, input: unknown, prefix?: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error, prefix);
  return parsed.data;
}

/** An answer that is not what the document promises: a fault of ours, never the caller's. */
export class UndocumentedAnswer extends Error {
  override readonly name = 'UndocumentedAnswer';
}

function checkAnswer(route: ApiRoute, answer: unknown): void {
  if (!route.success.schema) return;
  // What the caller receives is the JSON, so that is what is checked (a Date goes out as a string).
  const checked = route.success.schema.safeParse(JSON.parse(JSON.stringify(answer ?? null)));
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ');
    throw new UndocumentedAnswer(`${route.operationId} answered what its documented schema does not allow: ${problems}`);
  }
}

function checkAccess(route: ApiRoute, principal: Principal): void {
  if (route.access === 'person' && !isPerson(principal)) {
    throw new Forbidden(`${route.summary.toLowerCase()} needs a signed-in person; an API key cannot do it`);
  }
  // A temporary password is for choosing one's own: until then, only the routes of one's own session.
  if (isPerson(principal) && principal.mustChangePassword && route.access !== 'person') {
    throw new Forbidden('you signed in with a temporary password: change it first (POST /session/password)');
  }
  if (!hasRole(principal, route.role)) {
    throw new Forbidden(`a ${principal.role} ${isPerson(principal) ? 'user' : 'key'} cannot do this (${route.summary.toLowerCase()}); it needs the ${route.role} role`);
  }
  if (route.allLibraries && principal.libraryId !== null) {
    throw new Forbidden(`this ${isPerson(principal) ? 'user' : 'key'} acts for one library; ${route.summary.toLowerCase()} needs ${isPerson(principal) ? 'a user' : 'a key'} for all libraries`);
  }
}

export function routerFor(routes: readonly AnyRoute[], gate: AccessGate, options: { readonly checkAnswers: boolean } = { checkAnswers: false }): Router {
  const router = Router();
  for (const route of routes) {
    const path = `${API_BASE}${expressPath(route.path)}`;
    if (isPublic(route)) {
      router.get(path, (req, res) => route.respond(req, res));
      continue;
    }
    const anonymous = route.access === 'anonymous';
    const patron = route.access === 'patron';
    const handlers: RequestHandler[] = anonymous ? [gate.anonymous] : patron ? [gate.patron] : [gate.authenticate];
    router[route.method](path, ...handlers, async (req, res) => {
      const principal = anonymous || patron ? undefined : principalOf(res);
      if (principal) checkAccess(route, principal);
      const query = route.query ? parse(route.query, flatQuery(req.query), 'query') : {};
      const body = route.body ? parse(route.body, req.body) : req.body;
      const ctx = { principal: principal!, ...(patron ? { patron: res.locals.patron as PatronPrincipal } : {}), params: req.params as Record<string, string>, query, body, http: { req, res } };
      if (route.stream) return route.stream(ctx, req, res);
      if (route.alternative && req.accepts(['application/json', route.alternative.contentType]) === route.alternative.contentType) return route.alternative.stream(ctx, req, res);
      let answer: unknown;
      try {
        answer = await route.handle(ctx);
      } catch (err) {
        // A wrong password or setup code is a failed authentication like a wrong key.
        if (anonymous && !route.ownFailureLimit && (err instanceof Unauthenticated || err instanceof Forbidden)) await gate.countFailure(req, res);
        throw err;
      }
      if (options.checkAnswers) checkAnswer(route, answer);
      if (route.location) res.location(`${API_BASE}${route.location(answer)}`);
      if (route.success.status === 204) res.status(204).end();
      else res.status(route.success.status).json(answer);
    });
  }
  return router;
}
