export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testRedis__?: { stop(): Promise<void> } }).__testRedis__?.stop();
}
