/**
 * The directory as every request reads it: partners by symbol, member libraries by symbol, id
 * and agency code, and the whole partner list routing works on, kept in memory and correct
 * across processes. A warm read does not touch the database.
 *
 * Each table is held whole, loaded in one query and dropped whole on any change to it: the
 * directory is small and changes rarely, and every view of a table (by symbol, by id, the
 * list) then comes from one load and can never disagree with another.
 *
 * Staying correct (directory-changes.ts): every write announces itself on the `ill_directory`
 * channel in its own transaction, and the announcement reaches every process on commit, this
 * one included, and drops the table there.
 * - A process's own change is visible to its very next read: `write` drops the tables after
 *   the change, without waiting for its announcement to come back.
 * - While the listener is not hearing changes (starting, PostgreSQL restarting, a network cut)
 *   announcements are lost, so the cache is bypassed: reads go to the database and nothing is
 *   kept. When it hears again, everything is dropped.
 * - A load that was under way when a change arrived is answered but not kept (the generation
 *   counter), since it may have read the row before the change.
 */
import type { Db } from './db';
import type { ChangeEvents, ChangeListener } from './directory-changes';
import { findLibraryById, findLibraryBySymbol, listLibraries, type LibraryRow } from './libraries';
import { findPartnerBySymbol, listPartners, type PartnerRow } from './partners';

export interface DirectoryCacheStats {
  /** Reads answered from memory. */
  readonly hits: number;
  /** Reads that loaded a table (or read through a transaction) because it was not held. */
  readonly misses: number;
  /** Reads that went to the database because changes were not being heard. */
  readonly bypasses: number;
}

/**
 * Every read takes an optional `via`: the transaction the caller is in. A miss is then read
 * through it (a second connection would wait for the one the transaction holds: forever on
 * PGlite) and the table is loaded in the background. A transaction that wrote the directory
 * itself must read its own change through the store, not here.
 */
export interface DirectoryCache {
  /** `symbol` must be canonical (src/domain/symbols.ts). */
  partner(symbol: string, via?: Db): Promise<PartnerRow | undefined>;
  /** The whole directory, ordered by symbol: what routing chooses from. */
  partners(via?: Db): Promise<readonly PartnerRow[]>;
  library(symbol: string, via?: Db): Promise<LibraryRow | undefined>;
  libraryById(id: string, via?: Db): Promise<LibraryRow | undefined>;
  /** Member libraries, ordered by symbol. */
  libraries(via?: Db): Promise<readonly LibraryRow[]>;
  /**
   * Member libraries an NCIP or ISO 18626 agency code can mean: the whole symbol (`ISIL:DK-123`)
   * or only its value (`DK-123`, as NCIP peers send it), compared without case.
   */
  librariesByAgencyCode(code: string, via?: Db): Promise<LibraryRow[]>;
  /**
   * Runs a change to partners or libraries (store functions, which announce what they write);
   * this process's next read sees it, every other process's once the announcement arrives.
   */
  write<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** True while changes are heard and reads may be answered from memory. */
  live(): boolean;
  stats(): DirectoryCacheStats;
  close(): Promise<void>;
}

interface Snapshot<Row> {
  readonly rows: readonly Row[];
  readonly bySymbol: ReadonlyMap<string, Row>;
  readonly byId: ReadonlyMap<string, Row>;
}

interface Table<Row> {
  held?: Snapshot<Row>;
  loading?: Promise<Snapshot<Row>>;
  generation: number;
  readonly fetch: (db: Db) => Promise<Row[]>;
}

/** `listen` starts hearing changes and reports through the events it is given. */
export async function openDirectoryCache(db: Db, listen: (events: ChangeEvents) => Promise<ChangeListener>): Promise<DirectoryCache> {
  const partners: Table<PartnerRow> = { generation: 0, fetch: listPartners };
  const libraries: Table<LibraryRow> = { generation: 0, fetch: listLibraries };
  const counts = { hits: 0, misses: 0, bypasses: 0 };
  let listener: ChangeListener | undefined;
  const live = () => listener?.live() ?? false;

  const drop = (table: Table<unknown>) => {
    table.generation += 1;
    table.held = undefined;
    table.loading = undefined;
  };
  const dropAll = () => {
    drop(partners);
    drop(libraries);
  };

  const load = <Row extends { id: string; symbol: string }>(table: Table<Row>): Promise<Snapshot<Row>> => {
    if (table.loading) return table.loading;
    const generation = table.generation;
    const loading: Promise<Snapshot<Row>> = table.fetch(db).then(
      (rows) => {
        const snapshot = snapshotOf(rows);
        if (table.loading === loading) table.loading = undefined;
        if (generation === table.generation && live()) table.held = snapshot;
        return snapshot;
      },
      (err: unknown) => {
        if (table.loading === loading) table.loading = undefined;
        throw err;
      },
    );
    table.loading = loading;
    return loading;
  };

  const read = async <Row extends { id: string; symbol: string }, T>(table: Table<Row>, pick: (s: Snapshot<Row>) => T, direct: (db: Db) => Promise<T>, via: Db | undefined): Promise<T> => {
    if (!live()) {
      counts.bypasses += 1;
      return direct(via ?? db);
    }
    if (table.held) {
      counts.hits += 1;
      return pick(table.held);
    }
    counts.misses += 1;
    if (via === undefined || via === db) return pick(await load(table));
    // Nobody waits for the background load; its failure is a later read's to report.
    load(table).catch(() => {});
    return direct(via);
  };

  const cache: DirectoryCache = {
    partner: (symbol, via) =>
      read(
        partners,
        (s) => s.bySymbol.get(symbol),
        (d) => findPartnerBySymbol(d, symbol),
        via,
      ),
    partners: (via) => read(partners, (s) => s.rows, listPartners, via),
    library: (symbol, via) =>
      read(
        libraries,
        (s) => s.bySymbol.get(symbol),
        (d) => findLibraryBySymbol(d, symbol),
        via,
      ),
    libraryById: (id, via) =>
      read(
        libraries,
        (s) => s.byId.get(id),
        (d) => findLibraryById(d, id),
        via,
      ),
    libraries: (via) => read(libraries, (s) => s.rows, listLibraries, via),
    librariesByAgencyCode: async (code, via) => (await cache.libraries(via)).filter((l) => meansLibrary(code, l.symbol)),
    write: async (work) => {
      try {
        return await work(db);
      } finally {
        dropAll();
      }
    },
    live,
    stats: () => ({ ...counts }),
    close: async () => {
      const closing = listener;
      listener = undefined;
      dropAll();
      await closing?.close();
    },
  };

  listener = await listen({
    onChange: (change) => (change.table === 'unknown' ? dropAll() : drop(change.table === 'partners' ? partners : libraries)),
    onLive: dropAll,
    onLost: dropAll,
  });
  return cache;
}

function snapshotOf<Row extends { id: string; symbol: string }>(rows: Row[]): Snapshot<Row> {
  // Every caller shares these rows: frozen, so a caller that changes one fails loudly instead
  // of changing what the next request reads.
  for (const row of rows) deepFreeze(row);
  return {
    rows: Object.freeze(rows),
    bySymbol: new Map(rows.map((r) => [r.symbol, r])),
    byId: new Map(rows.map((r) => [r.id, r])),
  };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function meansLibrary(code: string, symbol: string): boolean {
  const wanted = code.trim().toLowerCase();
  const lower = symbol.toLowerCase();
  return lower === wanted || (lower.split(':')[1] ?? '') === wanted;
}
