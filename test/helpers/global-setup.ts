/**
 * One private Redis for the whole run (tests isolate themselves with their own queue prefixes),
 * unless the caller already provides REDIS_URL.
 */
import { startRedisServer } from '../../workers/redis-server';

export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  (globalThis as { __testRedis__?: { stop(): Promise<void> } }).__testRedis__ = redis;
}
