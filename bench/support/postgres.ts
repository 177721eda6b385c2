/**
 * PostgreSQL for benchmarks: BENCH_DATABASE_URL, or (as root, with Debian's package installed) a
 * throw-away cluster started as .ci/run makes one; otherwise the PostgreSQL rows are skipped.
 * Each server measured gets a fresh database of its own, dropped at the end, so repeated runs
 * never meet old rows.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freeLoopbackPort } from '../../workers/redis-server';
import type { Cleanup } from './cleanup';

/** PostgreSQL cannot be had here; the message says why, for the report. */
export class Skip extends Error {}

/** The admin URL of a PostgreSQL server to make databases on. */
export async function postgresServer(cleanup: Cleanup): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return given;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) : [];
  const bin = versions
    .sort((a, b) => Number(a) - Number(b))
    .map((v) => `/usr/lib/postgresql/${v}/bin`)
    .pop();
  if (!bin) throw new Skip('no BENCH_DATABASE_URL and no /usr/lib/postgresql/*/bin/initdb');
  if (process.getuid?.() !== 0) throw new Skip('no BENCH_DATABASE_URL, and initdb must run as the postgres user (needs root)');
  const dir = mkdtempSync(join(tmpdir(), 'ill-bench-pg-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('chown', ['postgres:postgres', dir]);
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  asPostgres(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freeLoopbackPort();
  // Durability off as in CI: the cluster is discarded, and the figure is CPU, not this disk's fsync.
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  asPostgres(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-o', settings, 'start']);
  cleanup.add(() => void asPostgres(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']));
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** A new, empty database on the server at `adminUrl`, dropped by `cleanup`. */
export async function freshDatabase(adminUrl: string, cleanup: Cleanup): Promise<string> {
  const name = `ill_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  cleanup.add(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The PostgreSQL server, or undefined with the reason pushed to `notes`: a machine without
 * PostgreSQL still gets the other rows.
 */
export async function postgresOrNote(cleanup: Cleanup, notes: string[], what: string): Promise<string | undefined> {
  try {
    return await postgresServer(cleanup);
  } catch (err) {
    notes.push(`${what} skipped: ${err instanceof Skip ? err.message : `could not start or reach PostgreSQL (${String(err).split('\n')[0]})`}`);
    return undefined;
  }
}
