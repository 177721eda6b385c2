/**
 * Liveness (the process answers) and readiness (it can do its work: database and Redis up).
 * Orchestrators route traffic on /health/ready; it turns 503 as soon as a dependency is down.
 */
import { Router } from 'express';
import { asDatabaseUnavailable } from '../store/unavailable';

export type HealthCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 2000;

export function healthRouter(checks: Readonly<Record<string, HealthCheck>>): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check)] as const));
    const ready = results.every(([, r]) => r.status === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
  return router;
}

async function runCheck(check: HealthCheck): Promise<{ status: 'up' } | { status: 'down'; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (err) {
    // An unavailable database says so, with the driver's reason; not the query that noticed it.
    const down = asDatabaseUnavailable(err);
    return { status: 'down', error: down ? down.message : err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
