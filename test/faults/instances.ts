/**
 * Two ILL servers that know each other: a borrower and a lender, each serving one member library
 * and listing the other as its partner (DIRECTORY_FILE, with a shared secret each way), each on
 * its own database of the suite's cluster and its own redis-server. The borrower can run its
 * queue workers as a separate process (WORKERS=separate + `main.js --workers`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../workers/redis-server';
import type { Cluster } from './cluster';
import { nodeProcess, repoRoot, type ManagedProcess } from './processes';
import { startRedis, type RedisControl } from './redis';

export const BORROWER_SYMBOL = 'ISIL:FAULT-BORROWER';
export const LENDER_SYMBOL = 'ISIL:FAULT-LENDER';

export interface Instance {
  readonly name: 'borrower' | 'lender';
  readonly symbol: string;
  readonly url: string;
  /** Its PostgreSQL database; undefined: the embedded PGlite database under DATA_DIR/pglite. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly apiKey: string;
  readonly redis: RedisControl;
  readonly server: ManagedProcess;
  /** The separate worker process, when the instance runs one. */
  readonly worker?: ManagedProcess;
  /** Every process of the instance. */
  readonly processes: readonly ManagedProcess[];
}

export interface Pair {
  readonly borrower: Instance;
  readonly lender: Instance;
  /** Stops every process and both redis-servers; idempotent. */
  stop(): Promise<void>;
}

/** Databases made once per run with migrations and an admin key; each scenario copies them. */
export interface Templates {
  readonly borrower: { readonly database: string; readonly apiKey: string };
  readonly lender: { readonly database: string; readonly apiKey: string };
}

/** Retries fast enough for a run of seconds, as the e2e tests configure them. */
const TUNING: Record<string, string> = {
  RELAY_INTERVAL_MS: '200',
  DELIVERY_RETRY_MS: '250',
  DELIVERY_ATTEMPTS: '20',
  DELIVERY_TIMEOUT_MS: '5000',
  SHUTDOWN_TIMEOUT_MS: '10000',
  // A job lost with a killed server (claimed, never added) is found again within seconds.
  OUTBOX_STALE_AFTER_MS: '10000',
  OUTBOX_SWEEP_INTERVAL_MS: '2000',
};

/** Only what the server needs from our environment: its configuration comes from us alone. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[key]) env[key] = process.env[key]!;
  return env;
}

/**
 * `node dist/src/cli/admin-key.js` against a database (PostgreSQL, or the PGlite folder under
 * `dataDir` without a URL): migrates it and prints a key once.
 */
export function makeAdminKey(databaseUrl: string | undefined, dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'admin-key.js'), '--name', 'fault suite'], {
      cwd: repoRoot,
      env: { ...baseEnv(), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 && out.trim().startsWith('ill_') ? resolve(out.trim()) : reject(new Error(`admin-key exited ${code}: ${err.trim()}`))));
  });
}

export interface PairOptions {
  readonly folder: string;
  readonly scenario: string;
  /** The borrower runs its queue workers as their own process (needs PostgreSQL). */
  readonly separateWorker: boolean;
  /** The borrower keeps its data in the embedded PGlite database (the default installation). */
  readonly embeddedBorrower: boolean;
  /** LOG_LEVEL of the servers (a separate worker process logs at info: its readiness is a log line). */
  readonly logLevel: 'info' | 'warn';
}

interface Side {
  readonly name: 'borrower' | 'lender';
  readonly symbol: string;
  readonly port: number;
  readonly partner: { readonly symbol: string; readonly port: number; readonly name: string };
}

export async function startPair(
  cluster: Cluster,
  templates: Templates,
  options: PairOptions,
): Promise<Pair> {
  const [borrowerPort, lenderPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const sides: Side[] = [
    { name: 'borrower', symbol: BORROWER_SYMBOL, port: borrowerPort, partner: { symbol: LENDER_SYMBOL, port: lenderPort, name: 'Fault lender' } },
    { name: 'lender', symbol: LENDER_SYMBOL, port: lenderPort, partner: { symbol: BORROWER_SYMBOL, port: borrowerPort, name: 'Fault borrower' } },
  ];
  const started: Instance[] = [];
  try {
    for (const side of sides) started.push(await prepare(cluster, templates, options, side));
    // All at once: the batch starts only when every process is ready.
    await Promise.all(started.flatMap((instance) => instance.processes.map((p) => p.start())));
  } catch (err) {
    await stopAll(started);
    throw err;
  }
  const [borrower, lender] = started as [Instance, Instance];
  let stopping: Promise<void> | undefined;
  return { borrower, lender, stop: () => (stopping ??= stopAll(started)) };
}

async function prepare(cluster: Cluster, templates: Templates, options: PairOptions, side: Side): Promise<Instance> {
  const dataDir = join(options.folder, side.name);
  mkdirSync(dataDir, { recursive: true });
  const embedded = options.embeddedBorrower && side.name === 'borrower';
  let databaseUrl: string | undefined;
  let apiKey: string;
  if (embedded) {
    apiKey = await makeAdminKey(undefined, dataDir);
  } else {
    const database = `${options.scenario.replace(/[^a-z0-9]/gi, '_')}_${side.name}`;
    await cluster.createDatabase(database, templates[side.name].database);
    databaseUrl = cluster.url(database);
    apiKey = templates[side.name].apiKey;
  }
  const redis = await startRedis(join(dataDir, 'redis'));
  const directoryFile = join(dataDir, 'directory.json');
  const secret = (from: string) => `fault-secret-from-${from}`;
  writeFileSync(
    directoryFile,
    JSON.stringify({
      libraries: [{ symbol: side.symbol, name: `Fault ${side.name}` }],
      partners: [
        {
          symbol: side.partner.symbol,
          name: side.partner.name,
          iso18626Url: `http://127.0.0.1:${side.partner.port}/iso18626`,
          auth: { inbound: { securityCode: secret(side.partner.symbol) }, outbound: { securityCode: secret(side.symbol) } },
        },
      ],
    }),
  );
  const separate = options.separateWorker && side.name === 'borrower';
  const env: Record<string, string> = {
    ...baseEnv(),
    ...TUNING,
    PORT: String(side.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${side.port}`,
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    REDIS_URL: redis.url,
    DIRECTORY_FILE: directoryFile,
    WORKERS: separate ? 'separate' : 'inprocess',
    LOG_LEVEL: options.logLevel,
  };
  const server = nodeProcess({ name: side.name, args: [], env, logFile: join(dataDir, 'server.log'), ready: (line) => line.startsWith('ILL broker listening on') });
  const worker = separate
    ? nodeProcess({ name: `${side.name} workers`, args: ['--workers'], env: { ...env, LOG_LEVEL: 'info' }, logFile: join(dataDir, 'workers.log'), ready: (line) => line.includes('"msg":"queue workers started"') })
    : undefined;
  return {
    name: side.name,
    symbol: side.symbol,
    url: `http://127.0.0.1:${side.port}`,
    databaseUrl,
    dataDir,
    apiKey,
    redis,
    server,
    ...(worker ? { worker } : {}),
    processes: worker ? [server, worker] : [server],
  };
}

async function stopAll(instances: readonly Instance[]): Promise<void> {
  for (const instance of instances) {
    for (const p of instance.processes) await p.stop();
    await instance.redis.stop();
  }
}
