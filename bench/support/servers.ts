/**
 * The servers a benchmark measures, as the child process (child.ts) starts them: the floors, or
 * the full server through `startService` with its defaults (workers in-process, the outbox
 * relay), a database of its own (PGlite files, or a PostgreSQL database the parent made), its own
 * queue prefix on the run's Redis, and the partner directory from a DIRECTORY_FILE.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../config/load';
import { startService } from '../../src/server';
import { createApiKey } from '../../src/services/access/api-keys';
import { freeLoopbackPort } from '../../workers/redis-server';
import { bareFloor, pgliteFloor, postgresFloor, type Floor } from './floors';
import { seedOpenRequests } from './open-requests';

export type ServerSpec =
  | { readonly kind: 'bare' }
  | { readonly kind: 'postgres-floor'; readonly databaseUrl: string }
  | { readonly kind: 'pglite-floor' }
  | {
      readonly kind: 'full';
      readonly name: string;
      /** Without it, the embedded PGlite database (the default installation). */
      readonly databaseUrl?: string;
      readonly redisUrl: string;
      /** When partners must know the address before it starts; else any free port. */
      readonly port?: number;
      /** The DIRECTORY_FILE contents (libraries served here, partners). */
      readonly directory: unknown;
      /** Make a staff API key of role admin and hand it to the parent. */
      readonly adminKey?: boolean;
      /** Open requests to insert for the first library of the directory before it is handed over (open-requests.ts). */
      readonly openRequests?: number;
    };

export interface Ready {
  readonly url: string;
  readonly apiKey?: string;
}

export interface Running {
  readonly ready: Ready;
  stop(): Promise<void>;
}

export async function startServer(spec: ServerSpec): Promise<Running> {
  switch (spec.kind) {
    case 'bare':
      return listen(bareFloor());
    case 'postgres-floor':
      return listen(await postgresFloor(spec.databaseUrl));
    case 'pglite-floor':
      return listen(await pgliteFloor());
    case 'full':
      return startFull(spec);
  }
}

async function listen(floor: Floor): Promise<Running> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = floor.app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  return {
    ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await floor.close();
    },
  };
}

async function startFull(spec: Extract<ServerSpec, { kind: 'full' }>): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), `ill-bench-${spec.name}-`));
  const directoryFile = join(dataDir, 'directory.json');
  writeFileSync(directoryFile, JSON.stringify(spec.directory));
  const config: Config = {
    ...loadConfig({ env: {} }),
    port: spec.port ?? (await freeLoopbackPort()),
    dataDir,
    redisUrl: spec.redisUrl,
    ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}),
    directoryFile,
    logLevel: 'silent',
    shutdownTimeoutMs: 3000,
  };
  const service = await startService(config, { role: 'server', log: pino({ level: 'silent' }), queuePrefix: `bench-${spec.name}-${randomUUID().slice(0, 8)}` });
  const apiKey = spec.adminKey ? (await createApiKey(service.lifecycle, { name: 'benchmark', role: 'admin' })).key : undefined;
  if (spec.openRequests) await seedLibrary(service, spec.directory, spec.openRequests);
  return {
    ready: { url: service.url!, ...(apiKey ? { apiKey } : {}) },
    stop: async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function seedLibrary(service: Awaited<ReturnType<typeof startService>>, directory: unknown, count: number): Promise<void> {
  const { libraries, partners } = directory as { libraries: { symbol: string }[]; partners: { symbol: string }[] };
  const symbol = libraries[0]!.symbol;
  const library = await service.runtime.database.directory.library(symbol);
  if (!library) throw new Error(`the directory has no library ${symbol}`);
  await seedOpenRequests(service.runtime.database.db, { libraryId: library.id, symbol, partners: partners.map((p) => p.symbol), count });
}
