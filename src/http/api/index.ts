/**
 * The staff API under /api/v1: one route table (sign-in and users, requests, directory, conformance, libraries, API keys, and
 * the document itself), registered on a router and described by the OpenAPI document.
 */
import type { Router } from 'express';
import { apiKeyRoutes } from './api-keys';
import { accessGate, type AuthFailureLimit } from './auth';
import { conformanceRoutes } from './conformance';
import { directoryRoutes } from './directory';
import { docsAssets, documentRoutes } from './docs';
import { eventRoutes, type EventDeps } from './events';
import { openApiDocument } from './document';
import { libraryRoutes } from './libraries';
import { noticeRoutes, type NoticeDeps } from './notices';
import { patronSessionRoutes, type PatronSessionDeps, type PatronSessionOptions } from './patron-session';
import { patronRequestRoutes } from './patron-requests';
import { privacyRoutes } from './privacy';
import { queueRoutes } from './queues';
import { catalogueRoutes } from './catalogue';
import { routingRoutes } from './routing';
import { requestRoutes } from './requests';
import { sessionRoutes } from './sessions';
import { statisticsRoutes } from './statistics';
import { userRoutes } from './users';
import { DEFAULT_SESSION_LIFETIMES, type SessionLifetimes } from '../../services/access/sessions';
import { API_BASE, routerFor, type AnyRoute } from './route';
import type { SelfTestDeps } from '../../services/conformance/self-test';

/** What the staff API's use cases need: the lifecycle, and for the self-test the delivery timeout and transport. */
export type ApiDeps = NoticeDeps & Pick<SelfTestDeps, 'timeoutMs' | 'fetch' | 'selfTestPollMs'> & EventDeps & PatronSessionDeps;

export interface ApiOptions {
  readonly authFailureLimit?: AuthFailureLimit;
  /** How long a session lasts unused, and at most (SESSION_IDLE_MS, SESSION_MAX_MS). */
  readonly sessions?: SessionLifetimes;
  /** Check every answer against the schema the document gives for it (the tests turn this on). */
  readonly checkAnswers?: boolean;
  /** Patron sessions' lifetimes and the limits on patron sign-in (defaults: 20 min idle, 2 h; sign-in-limits.ts). */
  readonly patrons?: PatronSessionOptions;
}

export function apiRoutes(deps: ApiDeps, sessions: SessionLifetimes = DEFAULT_SESSION_LIFETIMES, patrons: PatronSessionOptions = {}): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...sessionRoutes(deps, sessions),
    ...patronSessionRoutes(deps, patrons),
    ...userRoutes(deps),
    ...requestRoutes(deps),
    ...queueRoutes(deps),
    ...eventRoutes(deps),
    ...noticeRoutes(deps),
    ...directoryRoutes(deps),
    ...conformanceRoutes(deps),
    ...routingRoutes(deps),
    ...statisticsRoutes(deps),
    ...catalogueRoutes(deps),
    ...libraryRoutes(deps),
    ...privacyRoutes(deps),
    ...apiKeyRoutes(deps),
    ...patronRequestRoutes(deps),
  ];
  return [...routes, ...documentRoutes(() => openApiDocument(routes.concat(documentRoutes(() => undefined))))];
}

export function apiRouter(deps: ApiDeps, options: ApiOptions = {}): Router {
  const sessions = options.sessions ?? DEFAULT_SESSION_LIFETIMES;
  const patrons = options.patrons ?? {};
  const router = routerFor(apiRoutes(deps, sessions, patrons), accessGate(deps, options.authFailureLimit, sessions, patrons.lifetimes), { checkAnswers: options.checkAnswers ?? false });
  router.use(`${API_BASE}/docs/assets`, docsAssets());
  return router;
}
