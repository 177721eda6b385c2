/**
 * What changed while staff looked at a request (a 409): the events recorded after the newest one
 * they had seen, oldest first.
 */
import type { TimelineEntry, TimelineEvent } from './types';

export function eventsSince(seen: readonly TimelineEntry[], now: readonly TimelineEntry[]): TimelineEvent[] {
  const known = new Set(seen.filter((e) => e.kind === 'event').map((e) => e.id));
  return now.filter((e): e is TimelineEvent => e.kind === 'event' && !known.has(e.id));
}

/** Who did it: the person's or key's name, else the recorded actor (system, a partner). */
export function actorOf(entry: TimelineEvent): string {
  return entry.actorName ?? entry.actor;
}
