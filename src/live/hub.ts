/**
 * One subscription per server process to the request-change channel, fanned out to the
 * process's live clients (GET /events), each hearing only what its scope may see.
 *
 * The subscription has its own connection (a subscribed Redis connection can do nothing else).
 * ioredis reconnects by itself and subscribes again (autoResubscribe); what was published in
 * between is lost, so once the subscription is back every client is told to `resync` (reload
 * what it shows) instead of being left with stale counts.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeAnnouncement, forScreen, visibleTo, type RequestChange } from './request-changes';

export interface LiveClient {
  send(change: RequestChange): void;
  /** Changes may have been missed (the subscription was down): reload. */
  resync(): void;
  /** The server is stopping: end the stream. */
  end(): void;
}

export interface RequestChangeHub {
  /** `scope`: the caller's library id, or null for all libraries. Returns the function that stops listening. */
  listen(scope: string | null, client: LiveClient): () => void;
  /** How many clients listen (metrics, tests). */
  size(): number;
  /** Resolves once the subscription is in place (tests: a change published before it is not heard). */
  subscribed(): Promise<void>;
  /** Ends every client's stream and the subscription. */
  close(): Promise<void>;
}

export function requestChangeHub(options: { readonly redisUrl: string; readonly channel: string; readonly log: Logger }): RequestChangeHub {
  const { log, channel } = options;
  const clients = new Map<LiveClient, string | null>();
  // Commands wait through an outage (the subscription is retried until Redis is back).
  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null, autoResubscribe: true, enableReadyCheck: true });
  let subscribedOnce = false;
  let closed = false;
  let lost = false;
  subscriber.on('error', (err) => {
    if (!lost) log.warn({ err: err.message }, 'the live feed lost Redis; screens are told to reload once it is back');
    lost = true;
  });
  subscriber.on('close', () => {
    if (subscribedOnce) lost = true;
  });
  subscriber.on('ready', () => {
    if (!subscribedOnce || !lost) return;
    lost = false;
    log.info('the live feed hears Redis again');
    for (const client of clients.keys()) client.resync();
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const announcement = decodeAnnouncement(message);
    if (!announcement) return;
    for (const change of announcement.changes) {
      const screen = forScreen(change);
      for (const [client, scope] of clients) if (visibleTo(change, scope)) client.send(screen);
    }
  });
  const subscription = subscriber.subscribe(channel).then(
    () => {
      subscribedOnce = true;
    },
    (err: unknown) => log.error({ err }, 'could not subscribe to request changes; live updates are off until restart'),
  );

  return {
    listen(scope, client) {
      if (closed) {
        client.end();
        return () => undefined;
      }
      clients.set(client, scope);
      return () => void clients.delete(client);
    },
    size: () => clients.size,
    subscribed: () => subscription,
    async close() {
      closed = true;
      for (const client of [...clients.keys()]) client.end();
      clients.clear();
      subscriber.disconnect();
    },
  };
}
