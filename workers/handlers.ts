/**
 * The job handlers of this installation, by queue and job name. Each feature that produces
 * outbox rows registers its consumer here (ISO 18626 delivery, NCIP calls, patron mail, timers).
 * A row whose job name has no handler goes dead at once, visible to staff, rather than waiting.
 */
import type { Config } from '../config/load';
import type { Db } from '../src/store/db';
import type { JobHandlers } from './runner';

export interface HandlerDeps {
  readonly db: Db;
  readonly config: Config;
  readonly now: () => Date;
  readonly newId: () => string;
}

export function jobHandlers(_deps: HandlerDeps): JobHandlers {
  return {};
}
