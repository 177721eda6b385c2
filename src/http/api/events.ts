/**
 * GET /events: server-sent events for the staff's screens. Each change of a request the caller
 * may see arrives as `event: request` with the request's id, role, library, state, version and
 * whether it needs attention, whoever made it (a partner's message, a timer, a worker, another
 * person, another server process). `event: resync` says changes may have been missed (the live
 * feed was cut): reload what is shown. A comment line every 25 s keeps proxies from closing an
 * idle stream.
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { LiveClient, RequestChangeHub } from '../../live/hub';
import type { RequestChange } from '../../live/request-changes';
import { apiRoute, type ApiRoute } from './route';

export interface EventDeps {
  /** The process's subscription; absent (a test without Redis): the stream only keeps itself alive. */
  readonly live?: RequestChangeHub;
  readonly liveHeartbeatMs?: number;
}

const HEARTBEAT_MS = 25_000;
/** A client that reads slower than changes come is cut off past this much unsent data; its EventSource reconnects. */
const MAX_BUFFERED = 1024 * 1024;

const eventStreamSchema = z.string().meta({
  description:
    'text/event-stream. `event: request` with `data: {"id","role","library","state","version","needsAttention"}` for each change of a request visible to the caller; ' +
    '`event: resync` (data `{}`) when changes may have been missed: reload; a comment line (`: keep-alive`) every 25 s.',
});

function openStream(res: Response, heartbeatMs: number, live: RequestChangeHub | undefined, scope: string | null): void {
  // Ending the stream (client gone, shutdown) closes the connection rather than keeping it idle.
  res.shouldKeepAlive = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    // no-transform: a proxy must neither compress nor buffer it; X-Accel-Buffering: nginx's own switch.
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const write = (text: string) => {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED) return void res.destroy();
    res.write(text);
  };
  write('retry: 5000\n: live\n\n');
  const client: LiveClient = {
    send: (change: RequestChange) => write(`event: request\ndata: ${JSON.stringify(change)}\n\n`),
    resync: () => write('event: resync\ndata: {}\n\n'),
    end: () => res.end(),
  };
  const stop = live?.listen(scope, client);
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    stop?.();
  });
}

export function eventRoutes(deps: EventDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/events',
      operationId: 'streamEvents',
      summary: 'Follow changes of requests as they happen (server-sent events)',
      description:
        'For EventSource: each change of a request the key (or the signed-in person) may see, whoever made it, on any server process. ' +
        'Another library’s requests never appear for a library-scoped caller. Reconnect on `resync` or a dropped stream and reload what is shown.',
      tag: 'Requests',
      role: 'read-only',
      success: { status: 200, description: 'An endless stream of events', schema: eventStreamSchema, contentType: 'text/event-stream' },
      stream: ({ principal }, _req, res) => openStream(res, deps.liveHeartbeatMs ?? HEARTBEAT_MS, deps.live, principal.libraryId),
    }),
  ];
}
