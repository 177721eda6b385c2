/**
 * createApp(deps): the Express application, without listening (tests drive it with supertest,
 * main.ts puts it on a port). Routers stay thin: they translate HTTP to use cases and back.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { safeRequest } from '../log';
import { healthRouter, type HealthCheck } from './health';
import { metricsRouter, type MetricsEndpoint } from './metrics';
import { notFoundHandler, problemHandler } from './problem';

export interface AppDeps {
  readonly log: Logger;
  /** Largest accepted request body in bytes. */
  readonly bodyLimit: number;
  readonly health: Readonly<Record<string, HealthCheck>>;
  /** GET /metrics (absent: METRICS=off). */
  readonly metrics?: MetricsEndpoint;
  /**
   * Protocol routers (ISO 18626, NCIP) read their own bodies, so that even an unreadable one
   * is answered in the protocol's vocabulary; they are mounted before the shared body parsers.
   */
  readonly protocolRouters?: readonly Router[];
  /** JSON routers (staff API), mounted after the body parsers and before the 404 handler. */
  readonly routers?: readonly Router[];
  /** The staff interface (web.ts), last before the 404 handler: it answers only what no route did. */
  readonly web?: Router;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: deps.log,
      // Reuse the caller's id when it looks like one, so a partner's logs and ours line up.
      genReqId: (req: IncomingMessage, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/health/') ?? false },
      // Only safe headers: a partner's custom header (X-Partner-Token, an Okapi token) is a secret.
      serializers: { req: safeRequest },
    }),
  );

  for (const router of deps.protocolRouters ?? []) app.use(router);

  app.use(express.json({ limit: deps.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(express.text({ limit: deps.bodyLimit, type: ['application/xml', 'text/xml', 'application/*+xml'] }));

  app.use(healthRouter(deps.health));
  if (deps.metrics) app.use(metricsRouter(deps.metrics));

  for (const router of deps.routers ?? []) app.use(router);
  if (deps.web) app.use(deps.web);

  app.use(notFoundHandler);
  app.use(problemHandler());
  return app;
}
