/**
 * Sees when a request reaches a state, by reading the server's database directly (never through
 * the server being measured): one query per look for everything awaited, every few
 * milliseconds, so the moment a state is seen is at most one interval late.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';

export interface Seen {
  readonly id: string;
  readonly state: string;
  readonly version: number;
  /** performance.now() of the look that saw it. */
  readonly at: number;
}

interface Wait {
  readonly state: string;
  readonly deadline: number;
  readonly resolve: (seen: Seen) => void;
  readonly reject: (err: Error) => void;
  lastState?: string;
}

type Row = { id: string; state: string; version: number; key: string };

export const LOOK_EVERY_MS = 10;

export class RequestWatch {
  private readonly pool: Pool;
  /** By request id. */
  private readonly byId = new Map<string, Wait[]>();
  /** Supply requests not yet known by id: by requesting agency, then its request id. */
  private readonly arrivals = new Map<string, Map<string, Wait[]>>();
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    databaseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1 });
    this.loop = this.run();
  }

  /** The request `id` in `state`. */
  state(id: string, state: string): Promise<Seen> {
    return this.add(this.byId, id, state, `request ${id}`);
  }

  /** The supply request made for `requestingAgency`'s request `requestId`, in `state`. */
  arrival(requestingAgency: string, requestId: string, state: string): Promise<Seen> {
    let waits = this.arrivals.get(requestingAgency);
    if (!waits) this.arrivals.set(requestingAgency, (waits = new Map()));
    return this.add(waits, requestId, state, `the supply request for ${requestingAgency} ${requestId}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
    await this.pool.end();
  }

  private add(into: Map<string, Wait[]>, key: string, state: string, what: string): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const wait: Wait = {
        state,
        deadline: performance.now() + this.timeoutMs,
        resolve,
        reject: (err) => reject(new Error(`${what} did not reach ${state} within ${this.timeoutMs / 1000} s (last seen: ${wait.lastState ?? 'nothing'}): ${err.message}`)),
      };
      into.set(key, [...(into.get(key) ?? []), wait]);
    });
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.look();
      } catch {
        // The database is busy or away: give up on nothing yet, the deadlines decide.
      }
      await sleep(LOOK_EVERY_MS);
    }
    const gone = new Error('the watch was closed');
    for (const waits of [...this.byId.values(), ...[...this.arrivals.values()].flatMap((m) => [...m.values()])]) for (const w of waits) w.reject(gone);
  }

  private async look(): Promise<void> {
    if (this.byId.size > 0) {
      const result = await this.pool.query<Row>('select id, state, version, id::text as key from requests where id = any($1::uuid[])', [[...this.byId.keys()]]);
      settle(this.byId, result.rows);
    }
    for (const [agency, waits] of this.arrivals) {
      if (waits.size === 0) continue;
      const result = await this.pool.query<Row>(
        `select id, state, version, requesting_agency_request_id as key from requests
          where role = 'supplier' and requesting_agency_id = $1 and requesting_agency_request_id = any($2::text[])`,
        [agency, [...waits.keys()]],
      );
      settle(waits, result.rows);
    }
    const now = performance.now();
    for (const map of [this.byId, ...this.arrivals.values()]) {
      for (const [key, waits] of map) {
        const expired = waits.filter((w) => w.deadline < now);
        if (expired.length === 0) continue;
        for (const w of expired) w.reject(new Error('timed out'));
        const left = waits.filter((w) => w.deadline >= now);
        if (left.length > 0) map.set(key, left);
        else map.delete(key);
      }
    }
  }
}

/** Resolves the waits whose state was seen; notes the state of the others. */
function settle(waits: Map<string, Wait[]>, rows: readonly Row[]): void {
  const at = performance.now();
  for (const row of rows) {
    const forRow = waits.get(row.key);
    if (!forRow) continue;
    const left = forRow.filter((w) => {
      if (w.state !== row.state) {
        w.lastState = row.state;
        return true;
      }
      w.resolve({ id: row.id, state: row.state, version: row.version, at });
      return false;
    });
    if (left.length > 0) waits.set(row.key, left);
    else waits.delete(row.key);
  }
}
