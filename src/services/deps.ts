import type { Db } from '../store/db';
import type { DirectoryCache } from '../store/directory-cache';

/** What every use case needs: the store, and the clock and ids injected so tests are deterministic. */
export interface ServiceDeps {
  readonly db: Db;
  /** Partners and member libraries from memory (the opened database's `directory`); writes to them go through its `write`. */
  readonly directory: DirectoryCache;
  readonly now: () => Date;
  readonly newId: () => string;
}
