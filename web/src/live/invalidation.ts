/**
 * Which cached answers a live event makes stale (pure): every list and the queue counts (a change
 * can move a request in or out of any of them), and the request itself.
 */
export interface RequestEvent {
  readonly id: string;
  readonly role: string;
  readonly library: string | null;
  readonly state: string;
  readonly version: number;
  readonly needsAttention: boolean;
}

export function parseRequestEvent(data: string): RequestEvent | undefined {
  try {
    const value = JSON.parse(data) as Partial<RequestEvent> | null;
    return value && typeof value.id === 'string' ? (value as RequestEvent) : undefined;
  } catch {
    return undefined;
  }
}

export type QueryKey = readonly unknown[];

/** The keys to invalidate for a burst of events: lists and counts once, each changed request once. */
export function staleKeys(events: readonly RequestEvent[]): QueryKey[] {
  if (events.length === 0) return [];
  const ids = [...new Set(events.map((e) => e.id))];
  return [['queues'], ['requests'], ...ids.map((id) => ['request', id])];
}
