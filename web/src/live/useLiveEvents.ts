/**
 * Server-sent events from GET /api/v1/events (the session cookie authenticates it): one
 * EventSource for the tab while someone is signed in. Each `request` event marks the caches of
 * what changed as stale, so the queues, the lists on screen and the open request refetch by
 * themselves. Events arriving together are handled together (a worker's burst is one refetch).
 *
 * The browser reconnects by itself after a dropped connection; when the server refuses the stream
 * (EventSource then gives up), this reconnects with a growing pause. After any gap everything is
 * refetched, since events sent meanwhile are lost.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { parseRequestEvent, type RequestEvent, staleKeys } from './invalidation';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

const EVENTS_URL = '/api/v1/events';
const BATCH_MS = 250;
const MAX_PAUSE_MS = 30_000;

export function useLiveEvents(): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    let source: EventSource | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let batchTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: RequestEvent[] = [];
    let failures = 0;
    let hadGap = false;
    let stopped = false;

    const flush = () => {
      batchTimer = undefined;
      const keys = staleKeys(pending);
      pending = [];
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };

    const connect = () => {
      source = new EventSource(EVENTS_URL, { withCredentials: true });
      source.onopen = () => {
        failures = 0;
        setStatus('live');
        if (hadGap) void queryClient.invalidateQueries();
        hadGap = false;
      };
      source.addEventListener('request', (event) => {
        const parsed = parseRequestEvent((event as MessageEvent<string>).data);
        if (!parsed) return;
        pending.push(parsed);
        batchTimer ??= setTimeout(flush, BATCH_MS);
      });
      source.onerror = () => {
        hadGap = true;
        setStatus('reconnecting');
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        // Refused (not an event stream, an error status): the browser will not retry, so we do.
        source.close();
        failures += 1;
        retryTimer = setTimeout(connect, Math.min(MAX_PAUSE_MS, 1000 * 2 ** Math.min(failures, 5)));
      };
    };

    connect();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(retryTimer);
      clearTimeout(batchTimer);
    };
  }, [queryClient]);

  return status;
}
