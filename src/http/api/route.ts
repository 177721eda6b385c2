/**
 * One table of routes serves twice: the router registers each entry (authentication, role,
 * validation with the entry's zod schemas, then the use case), and the OpenAPI document is
 * built from the same entries, so the document cannot describe a route the server lacks.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { hasRole, type ApiRole, type Principal } from '../../services/access/api-keys';
import { Forbidden } from '../../services/errors';
import { fieldProblems } from '../../services/validation';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface RouteContext<Body = unknown, Query = unknown> {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  /** The query as the route's schema parsed it (defaults filled in). */
  readonly query: Query;
  /** The body as the route's schema parsed it: the use case gets typed, validated input, once. */
  readonly body: Body;
}

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
  /** Only a key for all libraries may (the directory and the set of libraries are server-wide). */
  readonly allLibraries?: boolean;
  readonly params?: z.ZodObject;
  readonly query?: Query;
  readonly body?: Body;
  /** `contentType`: a streamed answer's media type (`text/event-stream`); JSON otherwise. */
  readonly success: { readonly status: 200 | 201; readonly description: string; readonly schema: z.ZodType; readonly contentType?: string };
  /** Problems the use case can answer besides the ones every route has (400, 401, 403, 404, 429). */
  readonly problems?: readonly (409 | 413)[];
  /** URL of the resource made (201 answers carry it as Location). */
  readonly location?: (body: unknown) => string;
}

type Answer<Body extends z.ZodType, Query extends z.ZodObject> =
  | { handle(ctx: RouteContext<z.output<Body>, z.output<Query>>): Promise<unknown>; readonly stream?: never }
  | {
      /**
       * Answers with a stream of its own (server-sent events) instead of one JSON body, once the
       * caller is authenticated, allowed and its input valid; the stream ends when either side goes.
       */
      stream(ctx: RouteContext<z.output<Body>, z.output<Query>>, req: Request, res: Response): void;
      readonly handle?: never;
    };

export type ApiRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject> = RouteEntry<Body, Query> & Answer<Body, Query>;

/** An entry of the table, with its handler typed by its own schemas. */
export function apiRoute<Body extends z.ZodType = z.ZodType, Query extends z.ZodObject = z.ZodObject>(route: ApiRoute<Body, Query>): ApiRoute {
  return route as unknown as ApiRoute;
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
  // What the caller receives is the JSON, so that is what is checked (a Date goes out as a string).
  const checked = route.success.schema.safeParse(JSON.parse(JSON.stringify(answer ?? null)));
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ');
    throw new UndocumentedAnswer(`${route.operationId} answered what its documented schema does not allow: ${problems}`);
  }
}

export function routerFor(routes: readonly AnyRoute[], authenticate: RequestHandler, options: { readonly checkAnswers: boolean } = { checkAnswers: false }): Router {
  const router = Router();
  for (const route of routes) {
    const path = `${API_BASE}${expressPath(route.path)}`;
    if (isPublic(route)) {
      router.get(path, (req, res) => route.respond(req, res));
      continue;
    }
    router[route.method](path, authenticate, async (req, res) => {
      const principal = principalOf(res);
      if (!hasRole(principal, route.role)) {
        throw new Forbidden(`a ${principal.role} key cannot do this (${route.summary.toLowerCase()}); it needs the ${route.role} role`);
      }
      if (route.allLibraries && principal.libraryId !== null) {
        throw new Forbidden(`this key acts for one library; ${route.summary.toLowerCase()} needs a key for all libraries`);
      }
      const query = route.query ? parse(route.query, flatQuery(req.query), 'query') : {};
      const body = route.body ? parse(route.body, req.body) : req.body;
      if (route.stream) return route.stream({ principal, params: req.params as Record<string, string>, query, body }, req, res);
      const answer = await route.handle({ principal, params: req.params as Record<string, string>, query, body });
      if (options.checkAnswers) checkAnswer(route, answer);
      if (route.location) res.location(`${API_BASE}${route.location(answer)}`);
      res.status(route.success.status).json(answer);
    });
  }
  return router;
}
