/** The request page's data, as GET /requests/{id} gives it. */
import type { Schemas } from '../api/client';

/** A timeline entry; events carry `actorName` (the person's display name, the key's name, null for the system and partners). */
export type TimelineEntry = Schemas['TimelineEntry'];
export type TimelineEvent = Extract<TimelineEntry, { kind: 'event' }>;
export type TimelineMessage = Extract<TimelineEntry, { kind: 'message' }>;

export type RequestDetail = Omit<Schemas['RequestWithTimeline'], 'timeline'> & { readonly timeline: readonly TimelineEntry[] };
export type RequestData = Schemas['RequestWithTimeline']['data'];
