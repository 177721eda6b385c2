import type { Db } from '../store/db';
import type { Metrics } from '../metrics/metrics';
import type { DirectoryCache } from '../store/directory-cache';

/** What every use case needs: the store, and the clock and ids injected so tests are deterministic. */
export interface ServiceDeps {
  readonly db: Db;
  /** Partners and member libraries from memory (the opened database's `directory`); writes to them go through its `write`. */
  readonly directory: DirectoryCache;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Told after a change of a request commits (live updates, GET /events); absent: nobody listens. */
  readonly changes?: RequestChangeFeed;
  /** Told what happened, for /metrics (src/metrics); absent: nothing is counted. */
  readonly metrics?: Metrics;
}

/**
 * Where committed changes of requests are announced. `changed` returns at once and never throws:
 * the change is saved already, and telling the staff's screens about it must not fail or delay it.
 */
export interface RequestChangeFeed {
  changed(requestIds: readonly string[]): void;
}
