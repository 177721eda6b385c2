/**
 * Keeps what is on screen current while someone is signed in: each `request` event from the
 * server's event stream (event-stream.ts) marks the caches of what changed as stale, so the
 * queues, the lists on screen and the open request refetch by themselves. Events arriving
 * together are handled together (a worker's burst is one refetch); after a gap in the stream
 * everything is refetched, since events sent meanwhile are lost.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { listenToEvents, type LiveStatus } from './event-stream';
import { parseRequestEvent, type RequestEvent, staleKeys } from './invalidation';

export type { LiveStatus } from './event-stream';

const BATCH_MS = 250;

export function useLiveEvents(): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    let batchTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: RequestEvent[] = [];

    const flush = () => {
      batchTimer = undefined;
      const keys = staleKeys(pending);
      pending = [];
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };

    const stop = listenToEvents({
      event(data) {
        const parsed = parseRequestEvent(data);
        if (!parsed) return;
        pending.push(parsed);
        batchTimer ??= setTimeout(flush, BATCH_MS);
      },
      status(next, afterGap) {
        setStatus(next);
        if (afterGap) void queryClient.invalidateQueries();
      },
    });
    return () => {
      stop();
      clearTimeout(batchTimer);
    };
  }, [queryClient]);

  return status;
}
