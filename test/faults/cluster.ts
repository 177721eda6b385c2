/**
 * A throw-away PostgreSQL cluster of the suite's own (initdb into a temp folder, a free
 * loopback port, durability off), so that it can be restarted with `pg_ctl restart -m
 * immediate` without touching anybody else's server. Run as the postgres user when we are root,
 * as .ci/run does: PostgreSQL refuses to run as root.
 *
 * fsync is off (the machine does not crash, only the server does, so the OS keeps every write),
 * but synchronous_commit stays on: with it off, an immediate restart loses commits the server
 * was already told about, and the suite would blame the server for PostgreSQL's shortcut.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freeLoopbackPort } from '../../workers/redis-server';
import { onCleanup } from './cleanup';

const run = promisify(execFile);

export interface Cluster {
  readonly port: number;
  url(database: string): string;
  /** A new database, copied from `template` when given (a copy is much faster than migrating). */
  createDatabase(name: string, template?: string): Promise<void>;
  /** The fault: every backend killed at once, then started again (crash recovery runs). */
  restartImmediately(): Promise<void>;
  stop(): void;
}

export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? join(root, newest, 'bin') : undefined;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The command line that runs a PostgreSQL binary as a user it accepts. */
function asPostgres(bin: string, args: readonly string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
}

/**
 * Starts the cluster in a temp folder of its own (the postgres user must own it). With `keep`,
 * the stopped cluster's folder stays for a post-mortem (`pg_ctl -D <folder>/data start`).
 */
export async function startCluster(options: { readonly keep?: boolean } = {}): Promise<Cluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql');
  const folder = mkdtempSync(join(tmpdir(), 'ill-faults-pg-'));
  const removeFolder = options.keep ? () => {} : onCleanup('the PostgreSQL folder', () => rmSync(folder, { recursive: true, force: true }));
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(folder, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = join(folder, 'data');
  const port = await freeLoopbackPort();
  const pgCtl = (...args: string[]) => asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]);

  const [initdb, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  await run(initdb, initArgs);
  const serverOptions = [`-p ${port}`, `-k ${folder}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200'].join(' ');
  const [start, startArgs] = pgCtl('-l', join(folder, 'log'), '-w', '-o', serverOptions, 'start');
  await run(start, startArgs);
  const stopServer = onCleanup('the PostgreSQL cluster', () => {
    const [cmd, args] = pgCtl('-m', 'immediate', '-w', 'stop');
    spawnSync(cmd, args, { stdio: 'ignore' });
  });
  const stop = () => {
    stopServer();
    removeFolder();
  };

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name, template) {
      const client = new Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
      } finally {
        await client.end();
      }
    },
    async restartImmediately() {
      // The postmaster remembers its options (postmaster.opts); -l keeps the same log.
      const [cmd, args] = pgCtl('-l', join(folder, 'log'), '-m', 'immediate', '-w', 'restart');
      await run(cmd, args);
    },
    stop,
  };
}
