/**
 * Whole servers on loopback for end-to-end tests: each with its own database (PGlite files, or
 * a throw-away PostgreSQL database when TEST_DATABASE_URL is set), its own queues on the run's
 * Redis, fast retries, and the libraries and partners it is told about.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { ProtocolVersion } from '../../protocols/iso18626';
import { loadConfig, type Config } from '../../config/load';
import { startService, type RunningService } from '../../src/server';
import { insertLibrary, updateLibrary, type LibraryRow } from '../../src/store/libraries';
import { insertPartner, updatePartner, type PartnerChanges } from '../../src/store/partners';
import { freshDatabase, type TestDatabase } from './db';
import { freeLoopbackPort } from '../../workers/redis-server';

export interface PartnerSeed {
  readonly symbol: string;
  readonly name: string;
  /** The instance that serves this partner (its /iso18626 address is used). */
  readonly at: Instance;
  readonly inboundSecret?: string;
  readonly outboundSecret?: string;
  /** Extra HTTP headers sent with every message to this partner (an API key, a token). */
  readonly httpHeaders?: Record<string, string>;
  /** The ISO 18626 schema messages to it are written in (default 1.2). */
  readonly protocolVersion?: ProtocolVersion;
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly service: RunningService;
  readonly libraryIds: Record<string, string>;
  /** Stops the server, keeping its data and port for `restart`. */
  stop(): Promise<void>;
  restart(): Promise<Instance>;
  /** Stops it and throws its data away. */
  destroy(): Promise<void>;
}

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface InstanceOptions {
  /** The server's logger (default: silent, or TEST_LOG_LEVEL). */
  readonly log?: Logger;
}

export async function startInstance(name: string, librarySymbols: readonly string[], overrides: Partial<Config> = {}, options: InstanceOptions = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), `ill-e2e-${name}-`));
  const pg: TestDatabase | undefined = process.env.TEST_DATABASE_URL ? await freshDatabase() : undefined;
  const port = overrides.port ?? (await freeLoopbackPort());
  const prefix = `e2e-${name}-${randomUUID().slice(0, 8)}`;
  const config: Config = {
    ...loadConfig({ env: {} }),
    port,
    // What links in mail point at (status and sign-in links): this instance, not the default port.
    publicUrl: `http://127.0.0.1:${port}`,
    dataDir,
    redisUrl: process.env.REDIS_URL,
    ...(pg?.url ? { databaseUrl: pg.url } : {}),
    logLevel: 'silent',
    relayIntervalMs: 100,
    deliveryRetryMs: 200,
    deliveryAttempts: 20,
    deliveryTimeoutMs: 2000,
    shutdownTimeoutMs: 3000,
    ...overrides,
  };
  const libraryIds: Record<string, string> = {};
  const boot = async (seed: boolean): Promise<Instance> => {
    const service = await startService(config, { role: 'server', log: (options.log ?? log).child({ instance: name }), queuePrefix: prefix });
    if (seed) {
      for (const symbol of librarySymbols) {
        const id = randomUUID();
        await service.runtime.database.directory.write((db) => insertLibrary(db, { id, symbol, name: `Library ${symbol}`, settings: {} }));
        libraryIds[symbol] = id;
      }
    }
    const instance: Instance = {
      name,
      url: service.url!,
      service,
      libraryIds,
      stop: () => service.stop(),
      restart: () => boot(false),
      destroy: async () => {
        await service.stop();
        await pg?.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return instance;
  };
  return boot(true);
}

/** Tells `instance` about partners served elsewhere (or by itself). */
export async function addPartners(instance: Instance, partners: readonly PartnerSeed[]): Promise<void> {
  for (const p of partners) {
    await instance.service.runtime.database.directory.write((db) =>
      insertPartner(db, {
        id: randomUUID(),
        symbol: p.symbol,
        name: p.name,
        iso18626Url: `${p.at.url}/iso18626`,
        auth: {
          inbound: p.inboundSecret ? { securityCode: p.inboundSecret } : {},
          outbound: { ...(p.outboundSecret ? { securityCode: p.outboundSecret } : {}), httpHeaders: p.httpHeaders ?? {} },
        },
        policies: {},
        vendor: null,
        contactEmail: null,
        status: 'active',
        ...(p.protocolVersion ? { protocolVersion: p.protocolVersion } : {}),
      }),
    );
  }
}

/** Changes a partner in `instance`'s directory as staff would (through the store, so every cache hears of it). */
export async function changePartner(instance: Instance, symbol: string, changes: PartnerChanges): Promise<void> {
  const { directory } = instance.service.runtime.database;
  const partner = await directory.partner(symbol);
  if (!partner) throw new Error(`${instance.name} has no partner ${symbol}`);
  await directory.write((db) => updatePartner(db, partner.id, changes, new Date()));
}

/** Replaces a member library's settings in `instance`. */
export async function changeLibrarySettings(instance: Instance, symbol: string, settings: LibraryRow['settings']): Promise<void> {
  const { directory } = instance.service.runtime.database;
  const library = await directory.library(symbol);
  if (!library) throw new Error(`${instance.name} serves no library ${symbol}`);
  await directory.write((db) => updateLibrary(db, library.id, { settings }, new Date()));
}
