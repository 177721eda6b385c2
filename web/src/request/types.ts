/** The request page's data, as GET /requests/{id} gives it. */
import type { Schemas } from '../api/client';

/**
 * A timeline entry; events gain `actorName` (CONTRACTS.md section 1: the person's display name,
 * the key's name, null for the system and partners). Not in schema.d.ts until the accounts part
 * is merged, hence the intersection here.
 */
export type TimelineEntry = Schemas['TimelineEntry'] & { readonly actorName?: string | null };
export type TimelineEvent = Extract<TimelineEntry, { kind: 'event' }>;
export type TimelineMessage = Extract<TimelineEntry, { kind: 'message' }>;

export type RequestDetail = Omit<Schemas['RequestWithTimeline'], 'timeline'> & { readonly timeline: readonly TimelineEntry[] };
export type RequestData = Schemas['RequestWithTimeline']['data'];
