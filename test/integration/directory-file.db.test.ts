import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { directoryFileSchema, loadDirectory, readDirectoryFile } from '../../src/services/directory/directory-file';
import { ValidationFailed } from '../../src/services/errors';
import { listLibraries } from '../../src/store/libraries';
import { listPartners } from '../../src/store/partners';
import { freshDatabase, type TestDatabase } from '../helpers/db';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ill-directory-')), name);
  writeFileSync(path, text);
  return path;
}

const consortium = `
libraries:
  - symbol: isil:dk-100
    name: Main Library
    settings: { routing: { strategy: load_balance } }
partners:
  - symbol: ISIL:DK-200
    name: Partner Library
    iso18626Url: https://ill.partner.example/iso18626
    auth: { inbound: { securityCode: in-secret }, outbound: { securityCode: out-secret } }
    policies: { services: [Loan], dailyLimit: 20 }
    contactEmail: ill@partner.example
  - symbol: DK-300
    name: Copy Centre
    policies: { services: [Copy] }
    status: suspended
    protocolVersion: '2021'
`;

describe('bootstrapping the directory from a file', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());

  it('creates the member libraries and partners it lists, with canonical symbols and policy defaults', async () => {
    const result = await loadDirectory(database.db, readDirectoryFile(file('consortium.yaml', consortium)), new Date());
    expect(result).toEqual({ libraries: { created: 1, updated: 0 }, partners: { created: 2, updated: 0 } });
    expect((await listLibraries(database.db)).map((l) => [l.symbol, l.name, l.settings])).toEqual([['ISIL:DK-100', 'Main Library', { routing: { strategy: 'load_balance' } }]]);
    const partners = await listPartners(database.db);
    expect(partners.map((p) => [p.symbol, p.status, p.protocolVersion])).toEqual([
      ['ISIL:DK-200', 'active', '1.2'],
      ['ISIL:DK-300', 'suspended', '2021'],
    ]);
    expect(partners[0]).toMatchObject({
      iso18626Url: 'https://ill.partner.example/iso18626',
      auth: { inbound: { securityCode: 'in-secret' }, outbound: { securityCode: 'out-secret', httpHeaders: {} } },
      policies: { services: ['Loan'], dailyLimit: 20, lends: true, reciprocalOnly: false },
      contactEmail: 'ill@partner.example',
    });
  });

  it('updates entries in place when the file is loaded again, keeping staff-made library settings', async () => {
    const edited = consortium.replace('dailyLimit: 20', 'dailyLimit: 5').replace('name: Main Library', 'name: Main Library (renamed)');
    await database.db.execute(sql`update libraries set settings = settings || '{"pickupLocations":["Desk"]}'::jsonb`);
    const result = await loadDirectory(database.db, readDirectoryFile(file('consortium.yaml', edited)), new Date());
    expect(result).toEqual({ libraries: { created: 0, updated: 1 }, partners: { created: 0, updated: 2 } });
    const [library] = await listLibraries(database.db);
    expect(library).toMatchObject({ name: 'Main Library (renamed)', settings: { routing: { strategy: 'load_balance' }, pickupLocations: ['Desk'] } });
    expect((await listPartners(database.db))[0]?.policies).toMatchObject({ dailyLimit: 5 });
  });

  it('refuses a file with mistakes, naming each one, and changes nothing', async () => {
    const bad = file('bad.json', JSON.stringify({ partners: [{ symbol: 'ISIL:DK-9', name: 'X', iso18626Url: 'ftp://nope', policies: { services: ['Teleport'] }, protocolVersion: '1.3' }], colour: 'blue' }));
    const before = await listPartners(database.db);
    let failure: unknown;
    try {
      await loadDirectory(database.db, readDirectoryFile(bad), new Date());
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ValidationFailed);
    expect((failure as ValidationFailed).fields.map((f) => f.path).sort()).toEqual(['colour', 'partners[0].iso18626Url', 'partners[0].policies.services[0]', 'partners[0].protocolVersion']);
    expect(await listPartners(database.db)).toEqual(before);
  });

  it('checks library settings with the staff API’s schemas, naming each wrong one as the file writes it', () => {
    const bad = file(
      'settings.yaml',
      `
libraries:
  - { symbol: ISIL:DK-100, name: Main, settings: { routing: { strategy: load_balance }, broker: { mode: opaque } } }
  - { symbol: ISIL:DK-101, name: Branch, settings: { mail: { fromAddress: not-an-address } } }
  - symbol: ISIL:DK-102
    name: Hub
    settings: { broker: { mode: sideways }, routing: { strategy: random }, pickupLocations: [Desk], colour: red }
`,
    );
    let failure: unknown;
    try {
      readDirectoryFile(bad);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ValidationFailed);
    expect((failure as ValidationFailed).message).toBe(`the directory file ${bad} is not valid`);
    expect((failure as ValidationFailed).fields).toEqual([
      { path: 'libraries[1].settings.mail.fromAddress', message: 'must be an e-mail address' },
      { path: 'libraries[2].settings.pickupLocations[0]', message: 'Invalid input: expected object, received string' },
      { path: 'libraries[2].settings.broker.mode', message: 'Invalid option: expected one of "opaque"|"transparent"' },
      { path: 'libraries[2].settings.routing.strategy', message: 'Invalid option: expected one of "as_given"|"load_balance"|"reciprocal_first"|"performance"' },
      { path: 'libraries[2].settings.colour', message: 'is not a known key' },
    ]);
  });

  it('keeps the settings of a valid file as the staff API would store them', async () => {
    const good = file('good.yaml', 'libraries:\n  - { symbol: ISIL:DK-110, name: Hub, settings: { broker: { mode: transparent }, routing: { strategy: reciprocal_first } } }\n');
    await loadDirectory(database.db, readDirectoryFile(good), new Date());
    const hub = (await listLibraries(database.db)).find((l) => l.symbol === 'ISIL:DK-110');
    expect(hub?.settings).toEqual({ broker: { mode: 'transparent' }, routing: { strategy: 'reciprocal_first' } });
  });

  it('writes a large file a few hundred rows per statement, counting each entry exactly, again on a second load', async () => {
    const many = (from: number, to: number, name: string) =>
      Array.from({ length: to - from }, (_, i) => ({ symbol: `ISIL:DK-B${from + i}`, name: `${name} ${from + i}`, auth: {}, policies: { services: ['Loan'] } }));
    const first = { libraries: [], partners: many(0, 600, 'Branch') };
    const heard: number[] = [];
    const loaded = await loadDirectory(database.db, directoryFileSchema.parse(first), new Date(), (done, total) => {
      expect(total).toBe(600);
      heard.push(done);
    });
    expect(loaded.partners).toEqual({ created: 600, updated: 0 });
    expect(heard).toEqual([250, 500, 600]);

    // 400 known, 300 new, and one symbol twice: the later entry wins and counts as an update, as it always did.
    const second = { partners: [...many(200, 900, 'Renamed'), { symbol: 'ISIL:DK-B250', name: 'Twice', auth: {} }] };
    const again = await loadDirectory(database.db, directoryFileSchema.parse(second), new Date());
    expect(again.partners).toEqual({ created: 300, updated: 401 });
    const stored = new Map((await listPartners(database.db)).map((p) => [p.symbol, p.name]));
    expect([stored.get('ISIL:DK-B0'), stored.get('ISIL:DK-B200'), stored.get('ISIL:DK-B250'), stored.get('ISIL:DK-B899')]).toEqual(['Branch 0', 'Renamed 200', 'Twice', 'Renamed 899']);
    expect([...stored.keys()].filter((s) => s.startsWith('ISIL:DK-B'))).toHaveLength(900);
  });

  it('says so when the file cannot be read', () => {
    expect(() => readDirectoryFile('/nonexistent/consortium.yaml')).toThrow('the directory file /nonexistent/consortium.yaml cannot be read');
  });
});
