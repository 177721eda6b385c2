/**
 * The directory cache in a running service: the directory file loaded at start is read from
 * memory at once, and /metrics says whether the cache hears changes and how reads were answered.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config/load';
import { startService, type RunningService } from '../../src/server';
import { onPostgres, freshDatabase, type TestDatabase } from '../helpers/db';

jest.setTimeout(90_000);

describe('the directory cache of a running service', () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let service: RunningService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-directory-cache-'));
    pg = onPostgres ? await freshDatabase() : undefined;
    const directoryFile = join(dataDir, 'consortium.yaml');
    writeFileSync(directoryFile, 'libraries:\n  - { symbol: ISIL:DK-100, name: Main Library }\npartners:\n  - { symbol: ISIL:DK-200, name: Partner Library, status: suspended }\n');
    service = await startService(
      { ...loadConfig({ env: {} }), port: 0, dataDir, redisUrl: process.env.REDIS_URL, logLevel: 'silent', directoryFile, ...(pg?.url ? { databaseUrl: pg.url } : {}) },
      { role: 'server', log: pino({ level: 'silent' }), queuePrefix: `dcache-${randomUUID().slice(0, 8)}` },
    );
  });
  afterAll(async () => {
    await service?.stop();
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const metric = async (line: RegExp) => line.exec(await (await fetch(`${service.url}/metrics`)).text())?.[1];

  it('reads the directory file’s entries from memory and counts the reads in /metrics', async () => {
    const { directory } = service.lifecycle;
    expect((await directory.partner('ISIL:DK-200'))?.status).toBe('suspended');
    expect((await directory.library('ISIL:DK-100'))?.name).toBe('Main Library');
    expect(await metric(/^ill_directory_cache_live (\d+)$/m)).toBe('1');
    const hits = Number(await metric(/^ill_directory_cache_reads_total\{outcome="hit"\} (\d+)$/m));
    await directory.partner('ISIL:DK-200');
    expect(Number(await metric(/^ill_directory_cache_reads_total\{outcome="hit"\} (\d+)$/m))).toBe(hits + 1);
    expect(Number(await metric(/^ill_directory_cache_reads_total\{outcome="miss"\} (\d+)$/m))).toBeGreaterThanOrEqual(1);
  });
});
