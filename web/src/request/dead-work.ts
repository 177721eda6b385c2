/**
 * Work of the request that gave up, read from its timeline: each `needs_attention` event names
 * the dead outbox row; a later `staff:retry_effect` or `staff:skip_effect` for that row settles it.
 */
import type { TimelineEntry } from './types';

export interface DeadWork {
  readonly outboxId: string;
  readonly job: string;
  readonly reason: string;
  readonly at: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function deadWork(timeline: readonly TimelineEntry[]): DeadWork[] {
  const open = new Map<string, DeadWork>();
  for (const entry of timeline) {
    if (entry.kind !== 'event') continue;
    const outboxId = text(entry.data.outboxId);
    if (outboxId === undefined) continue;
    if (entry.event === 'needs_attention') {
      open.set(outboxId, { outboxId, job: text(entry.data.call) ?? text(entry.data.job) ?? text(entry.data.queue) ?? '', reason: text(entry.data.reason) ?? text(entry.data.error) ?? '', at: entry.at });
    } else if (entry.event === 'staff:retry_effect' || entry.event === 'staff:skip_effect') {
      open.delete(outboxId);
    }
  }
  return [...open.values()];
}
