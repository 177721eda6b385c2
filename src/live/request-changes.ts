/**
 * A committed change of a request as it travels between processes (Redis pub/sub) and reaches
 * the staff's screens (GET /events). The library's id travels so that each server can keep a
 * library's changes from another library's staff; the screens get the symbol.
 */
import { z } from 'zod';

export const requestChangeSchema = z.object({
  id: z.uuid(),
  role: z.enum(['requester', 'supplier', 'broker']),
  /** The member library's symbol; null for a request of no member library. */
  library: z.string().nullable(),
  state: z.string(),
  version: z.number().int(),
  needsAttention: z.boolean(),
});
export type RequestChange = z.output<typeof requestChangeSchema>;

/** On the wire: the change and its library's id (for the scope check, never sent to a screen). */
const announcementSchema = z.object({ changes: z.array(requestChangeSchema.extend({ libraryId: z.uuid().nullable() })) });
export type Announcement = z.output<typeof announcementSchema>;
export type ScopedChange = Announcement['changes'][number];

/** The channel, under the installation's queue prefix: two installations (or tests) on one Redis do not hear each other. */
export function requestChangesChannel(prefix: string): string {
  return `${prefix}:request-changes`;
}

export function encodeAnnouncement(changes: readonly ScopedChange[]): string {
  return JSON.stringify({ changes: [...changes] } satisfies Announcement);
}

/** Undefined for a message that is not ours (another version, or garbage): it is dropped. */
export function decodeAnnouncement(message: string): Announcement | undefined {
  try {
    const parsed = announcementSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A library-scoped caller hears its own library's requests only, as GET /requests/{id} shows it only those. */
export function visibleTo(change: Pick<ScopedChange, 'libraryId'>, scope: string | null): boolean {
  return scope === null || change.libraryId === scope;
}

/** The change as a screen gets it. */
export function forScreen({ libraryId: _l, ...change }: ScopedChange): RequestChange {
  return change;
}
