/** A server-sent events client for tests: what EventSource would see, as a list to wait on. */
export interface StreamEvent {
  /** `request`, `resync`, or `comment` for a comment line. */
  readonly event: string;
  readonly data: string;
}

export interface EventStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: StreamEvent[];
  /** The events of one kind with their data parsed. */
  requests(): Record<string, unknown>[];
  /** Resolves with the first event (seen or to come) that `matches`; rejects after `timeoutMs`. */
  until(matches: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  /** The client goes away. */
  close(): void;
}

export async function followEvents(url: string, authorization: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Authorization: authorization, Accept: 'text/event-stream' }, signal: abort.signal });
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  const seen = () => {
    for (const w of [...waiters]) w();
  };
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) events.push({ event: 'comment', data: line.slice(1).trim() });
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') });
          seen();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    requests: () => events.filter((e) => e.event === 'request').map((e) => JSON.parse(e.data) as Record<string, unknown>),
    until: (matches, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such event in time; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    ended,
    close: () => abort.abort(),
  };
}

/** An event about one request (optionally in one state). */
export const aboutRequest =
  (id: string, state?: string) =>
  (e: StreamEvent): boolean => {
    if (e.event !== 'request') return false;
    const change = JSON.parse(e.data) as { id: string; state: string };
    return change.id === id && (state === undefined || change.state === state);
  };
