/**
 * GET /metrics: the Prometheus text format. With METRICS_TOKEN set, only a scrape that sends it
 * as `Authorization: Bearer <token>` is answered (Prometheus: `authorization.credentials`); the
 * counts name partners and libraries, which is not for everyone who can reach the port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { sendProblem } from './problem';

export interface MetricsEndpoint {
  readonly registry: Registry;
  /** The bearer token scrapes must send; absent: anyone who reaches the server may scrape. */
  readonly token?: string;
}

export function metricsRouter(endpoint: MetricsEndpoint): Router {
  const router = Router();
  const { registry, token } = endpoint;
  router.get('/metrics', async (req, res) => {
    if (token !== undefined && !sameToken(token, bearerOf(req.headers.authorization))) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      sendProblem(res, 401, 'unauthenticated', 'Unauthorized', 'send the metrics token (METRICS_TOKEN) as Authorization: Bearer <token>');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Constant time in the token's content and length: both sides are hashed to the same size first. */
function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
