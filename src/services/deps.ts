import type { Db } from '../store/db';

/** What every use case needs: the store, and the clock and ids injected so tests are deterministic. */
export interface ServiceDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly newId: () => string;
}
