/**
 * Library settings at start: a directory file with a wrong setting stops the start, naming it as
 * the file writes it; settings already stored that do not validate are reported and the server
 * starts and serves all the same.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../config/load';
import { startService } from '../../src/server';
import { ValidationFailed } from '../../src/services/errors';
import { openDatabase } from '../../src/store/db';
import { insertLibrary } from '../../src/store/libraries';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/db';

jest.setTimeout(90_000);

describe('library settings when the server starts', () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ill-settings-start-'));
    pg = onPostgres ? await freshDatabase() : undefined;
  });
  afterEach(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const config = (extra: Partial<Config> = {}): Config => ({ ...loadConfig({ env: {} }), port: 0, dataDir, redisUrl: process.env.REDIS_URL, logLevel: 'silent', ...(pg?.url ? { databaseUrl: pg.url } : {}), ...extra });
  const options = (lines: string[] = []) => ({ role: 'server' as const, log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }), queuePrefix: `settings-${randomUUID().slice(0, 8)}` });

  it('stops at a wrong broker mode in the directory file, naming it as the file writes it', async () => {
    const directoryFile = join(dataDir, 'consortium.yaml');
    writeFileSync(directoryFile, 'libraries:\n  - { symbol: ISIL:DK-100, name: Main }\n  - { symbol: ISIL:DK-101, name: Branch }\n  - { symbol: ISIL:DK-102, name: Hub, settings: { broker: { mode: sideways } } }\n');
    const failure = await startService(config({ directoryFile }), options()).then(
      async (service) => {
        await service.stop();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ValidationFailed);
    expect((failure as ValidationFailed).fields).toEqual([{ path: 'libraries[2].settings.broker.mode', message: 'Invalid option: expected one of "opaque"|"transparent"' }]);
  });

  it('starts and serves with stored settings that do not validate, and warns which', async () => {
    const database = pg ? await openDatabase({ driver: 'postgres', url: pg.url! }) : await openDatabase({ driver: 'pglite', dataDir: join(dataDir, 'pglite') });
    await insertLibrary(database.db, { id: randomUUID(), symbol: 'ISIL:DK-102', name: 'Hub', settings: { broker: { mode: 'sideways' }, routing: { strategy: 'random' } } });
    await database.close();
    const lines: string[] = [];
    const service = await startService(config(), options(lines));
    try {
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
      const warnings = lines.map((l) => JSON.parse(l) as { msg: string; library?: string; problems?: { path: string }[] }).filter((l) => l.library === 'ISIL:DK-102');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.problems!.map((p) => p.path)).toEqual(['settings.broker.mode', 'settings.routing.strategy']);
      expect(warnings[0]!.msg).toContain('fix them with PATCH /api/v1/libraries/{symbol}');
    } finally {
      await service.stop();
    }
  });
});
