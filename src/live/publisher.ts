/**
 * Announces committed changes of requests on Redis, for every server process's screens. Called
 * from the one place each kind of change commits; it returns at once. The ids of one turn of the
 * event loop are read back together (one query for a burst) and published as one message.
 *
 * The change is saved already when this runs, so nothing here may fail or delay it: a publish
 * that fails (Redis away, the database busy) is logged once per outage and dropped. The screens
 * hear `resync` when their server's subscription comes back, and reload then.
 */
import type { Logger } from 'pino';
import type { RequestChangeFeed } from '../services/deps';
import type { Db } from '../store/db';
import type { DirectoryCache } from '../store/directory-cache';
import { requestHeads } from '../store/request-changes';
import { encodeAnnouncement, type ScopedChange } from './request-changes';

export interface PublisherDeps {
  readonly db: Db;
  readonly directory: DirectoryCache;
  /** Sends one message on the channel (Redis PUBLISH on a connection that fails fast). */
  readonly publish: (message: string) => Promise<unknown>;
  readonly log: Logger;
}

export interface ChangePublisher extends RequestChangeFeed {
  /** Publishes what is waiting and resolves when every publish under way has settled (before the database closes). */
  close(): Promise<void>;
}

/** Ids read back per query. */
const BATCH = 500;

export function changePublisher(deps: PublisherDeps): ChangePublisher {
  let waiting = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  const running = new Set<Promise<void>>();
  let failing = false;
  let closed = false;

  const publishWaiting = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += BATCH) {
      const heads = await requestHeads(deps.db, ids.slice(i, i + BATCH));
      const changes: ScopedChange[] = [];
      for (const h of heads) {
        const library = h.libraryId ? ((await deps.directory.libraryById(h.libraryId))?.symbol ?? null) : null;
        changes.push({ id: h.id, role: h.role, library, libraryId: h.libraryId, state: h.state, version: h.version, needsAttention: h.needsAttention });
      }
      if (changes.length > 0) await deps.publish(encodeAnnouncement(changes));
    }
  };

  const flush = () => {
    scheduled = undefined;
    const ids = [...waiting];
    waiting = new Set();
    if (ids.length === 0) return;
    const run = publishWaiting(ids).then(
      () => {
        if (failing) deps.log.info('request changes are published again');
        failing = false;
      },
      (err: unknown) => {
        if (!failing) deps.log.warn({ err, requests: ids.length }, 'could not publish request changes; screens reload when the live feed is back');
        failing = true;
      },
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  };

  return {
    changed(requestIds) {
      if (closed) return;
      for (const id of requestIds) waiting.add(id);
      scheduled ??= setImmediate(flush);
    },
    async close() {
      closed = true;
      if (scheduled) clearImmediate(scheduled);
      flush();
      await Promise.all([...running]);
    },
  };
}
