/**
 * The server's event stream (GET /api/v1/events; the session cookie authenticates it), shared by
 * every tab of the staff interface open in one browser.
 *
 * Why shared: over HTTP/1.1 a browser opens at most six connections to one server, and an event
 * stream holds one for as long as its tab is open. With a stream per tab, the seventh tab would
 * wait forever for its first answer. So one tab (the holder of a Web Lock) keeps the stream and
 * passes what it hears to the others over a BroadcastChannel; when that tab closes, the lock
 * passes to another tab, which opens the stream anew. Where the browser has no Web Locks (they
 * need a secure context: HTTPS, or the server on this machine), each tab has its own stream.
 *
 * The browser reconnects by itself after a dropped connection; when the server refuses the stream
 * (EventSource then gives up), this reconnects with a growing pause. After any gap — a dropped
 * stream, another tab taking over, the server's `resync` — the listener is told, since events
 * sent meanwhile are lost.
 */

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamListener {
  /** The data of one `request` event. */
  event(data: string): void;
  /** The stream's state; `afterGap`: it is live again, and events may have been missed. */
  status(status: LiveStatus, afterGap: boolean): void;
}

const EVENTS_URL = '/api/v1/events';
const SHARED_NAME = 'ill-live-events';
const MAX_PAUSE_MS = 30_000;

type TabMessage = { readonly kind: 'event'; readonly data: string } | { readonly kind: 'status'; readonly status: LiveStatus; readonly afterGap: boolean } | { readonly kind: 'ask' };

/** Listens to the stream until the returned function is called. */
export function listenToEvents(listener: StreamListener): () => void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks || typeof BroadcastChannel === 'undefined') return openStream(listener, false);
  return listenShared(locks, listener);
}

function listenShared(locks: LockManager, listener: StreamListener): () => void {
  const channel = new BroadcastChannel(SHARED_NAME);
  const stopped = new AbortController();
  let stopLeading: (() => void) | undefined;
  let lastStatus: LiveStatus | undefined;
  let heardALeader = false;

  channel.onmessage = (message: MessageEvent<TabMessage>) => {
    const said = message.data;
    if (said.kind === 'ask') {
      // A tab just opened: tell it how the stream is doing.
      if (stopLeading && lastStatus) channel.postMessage({ kind: 'status', status: lastStatus, afterGap: false } satisfies TabMessage);
      return;
    }
    if (stopLeading) return;
    heardALeader = true;
    if (said.kind === 'event') listener.event(said.data);
    else listener.status(said.status, said.afterGap);
  };
  channel.postMessage({ kind: 'ask' } satisfies TabMessage);

  locks
    .request(SHARED_NAME, { signal: stopped.signal }, () =>
      new Promise<void>((release) => {
        // This tab keeps the stream now. If another tab had it, whatever happened between its
        // closing and this stream's opening is lost: this stream's first opening is after a gap.
        const closeStream = openStream(
          {
            event(data) {
              listener.event(data);
              channel.postMessage({ kind: 'event', data } satisfies TabMessage);
            },
            status(status, afterGap) {
              lastStatus = status;
              listener.status(status, afterGap);
              channel.postMessage({ kind: 'status', status, afterGap } satisfies TabMessage);
            },
          },
          heardALeader,
        );
        stopLeading = () => {
          closeStream();
          release();
        };
      }),
    )
    .catch(() => {
      // Aborted while another tab held the stream: this tab is closing or signing out.
    });

  return () => {
    stopped.abort();
    stopLeading?.();
    channel.close();
  };
}

/** One EventSource, reopened with a growing pause when the server refuses it. */
function openStream(listener: StreamListener, startsAfterGap: boolean): () => void {
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let hadGap = startsAfterGap;
  let stopped = false;

  const connect = () => {
    source = new EventSource(EVENTS_URL, { withCredentials: true });
    source.onopen = () => {
      failures = 0;
      listener.status('live', hadGap);
      hadGap = false;
    };
    source.addEventListener('request', (event) => listener.event((event as MessageEvent<string>).data));
    // The server's own feed of changes had a gap (its Redis subscription was down): still live, but reload.
    source.addEventListener('resync', () => listener.status('live', true));
    source.onerror = () => {
      hadGap = true;
      listener.status('reconnecting', false);
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
  };
}
