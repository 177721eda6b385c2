import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { findPartnerBySymbol } from '../../../src/store/partners';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: importing and exporting the directory file', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    const made = await request(api.app)
      .post('/api/v1/partners')
      .set('Authorization', api.keys.admin)
      .send({ symbol: 'ISIL:US-KNOWN', name: 'Known Library', iso18626Url: 'https://known.example/iso18626', auth: { inbound: { securityCode: 'in-secret-1' } }, policies: { dailyLimit: 10 } });
    expect(made.status).toBe(201);
    const same = await request(api.app).post('/api/v1/partners').set('Authorization', api.keys.admin).send({ symbol: 'ISIL:US-SAME', name: 'Same Library' });
    expect(same.status).toBe(201);
  });
  afterAll(() => api.database.close());

  const importing = (content: string, dryRun: boolean, format: 'yaml' | 'json' = 'yaml', key = api.keys.admin) =>
    request(api.app).post(`/api/v1/directory-file/import?dryRun=${dryRun}`).set('Authorization', key).send({ format, content });

  const file = `
partners:
  - symbol: isil:us-new
    name: New Library
    iso18626Url: https://new.example/iso18626
  - symbol: ISIL:US-KNOWN
    name: Known Library (renamed)
    iso18626Url: https://known.example/iso18626
    auth: { inbound: { securityCode: '********' } }
    policies: { dailyLimit: 25 }
  - symbol: ISIL:US-SAME
    name: Same Library
  - symbol: ISIL:US-BAD
    name: Bad Library
    contactEmail: not-an-address
    colour: blue
`;

  it('answers a dry run with what would be added, changed field by field, left alone, and rejected with paths, and writes nothing', async () => {
    const res = await importing(file, true);
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(false);
    expect(res.body.counts).toEqual({ added: 1, changed: 1, unchanged: 1, rejected: 1 });
    const byPath = Object.fromEntries((res.body.entries as { path: string }[]).map((e) => [e.path, e]));
    expect(byPath['partners[0]']).toMatchObject({ kind: 'partner', symbol: 'ISIL:US-NEW', outcome: 'added' });
    expect(byPath['partners[1]']).toMatchObject({
      symbol: 'ISIL:US-KNOWN',
      outcome: 'changed',
      changes: [
        { field: 'name', from: 'Known Library', to: 'Known Library (renamed)' },
        { field: 'policies.dailyLimit', from: 10, to: 25 },
      ],
    });
    expect(byPath['partners[2]']).toMatchObject({ symbol: 'ISIL:US-SAME', outcome: 'unchanged', changes: [] });
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0]).toMatchObject({ path: 'partners[3]', symbol: 'ISIL:US-BAD' });
    expect((res.body.rejected[0].problems as { path: string }[]).map((p) => p.path).sort()).toEqual(['partners[3].colour', 'partners[3].contactEmail']);
    expect(await findPartnerBySymbol(api.database.db, 'ISIL:US-NEW')).toBeUndefined();
    expect((await findPartnerBySymbol(api.database.db, 'ISIL:US-KNOWN'))?.name).toBe('Known Library');
  });

  it('applies the accepted entries, keeps a masked secret as stored, and leaves the rejected one out', async () => {
    const res = await importing(file, false);
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(true);
    expect(res.body.counts).toEqual({ added: 1, changed: 1, unchanged: 1, rejected: 1 });
    expect((await findPartnerBySymbol(api.database.db, 'ISIL:US-NEW'))?.name).toBe('New Library');
    const known = await findPartnerBySymbol(api.database.db, 'ISIL:US-KNOWN');
    expect(known?.name).toBe('Known Library (renamed)');
    expect(known?.auth).toMatchObject({ inbound: { securityCode: 'in-secret-1' } });
    expect(await findPartnerBySymbol(api.database.db, 'ISIL:US-BAD')).toBeUndefined();
    // The directory the server routes from sees the import at once.
    const read = await request(api.app).get('/api/v1/partners/ISIL:US-NEW').set('Authorization', api.keys.staff);
    expect(read.status).toBe(200);
    const again = await importing(file, true);
    expect(again.body.counts).toEqual({ added: 0, changed: 0, unchanged: 3, rejected: 1 });
  });

  it('shows a changed secret only as masked, and refuses a mask with no secret behind it', async () => {
    const res = await importing(
      JSON.stringify({ partners: [{ symbol: 'ISIL:US-KNOWN', name: 'Known Library (renamed)', iso18626Url: 'https://known.example/iso18626', auth: { inbound: { securityCode: 'in-secret-2' } }, policies: { dailyLimit: 25 } }, { symbol: 'ISIL:US-SAME', name: 'Same Library', auth: { outbound: { securityCode: '********' } } }] }),
      true,
      'json',
    );
    expect(res.status).toBe(200);
    expect(res.body.entries[0].changes).toEqual([{ field: 'auth.inbound', from: { securityCode: '********' }, to: { securityCode: '********' } }]);
    expect(JSON.stringify(res.body)).not.toContain('in-secret');
    expect(res.body.rejected).toEqual([{ path: 'partners[1]', symbol: 'ISIL:US-SAME', problems: [{ path: 'partners[1].auth.outbound.securityCode', message: expect.stringContaining('no secret is stored') }] }]);
  });

  it('rejects a symbol given twice, and unknown top-level keys, each with its path', async () => {
    const res = await importing('partners:\n  - { symbol: ISIL:US-TWICE, name: One }\n  - { symbol: isil:us-twice, name: Two }\nlibrarys: []\n', true);
    expect(res.body.rejected).toEqual([
      { path: 'librarys', symbol: null, problems: [{ path: 'librarys', message: 'is not a known key' }] },
      { path: 'partners[1]', symbol: 'isil:us-twice', problems: [{ path: 'partners[1].symbol', message: 'ISIL:US-TWICE is already in the file at partners[0]' }] },
    ]);
  });

  it('answers 400 for a file that is not YAML, and 403 for a staff key', async () => {
    const broken = await importing('partners: [ { symbol: ', true);
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].path).toBe('content');
    expect((await importing(file, true, 'yaml', api.keys.staff)).status).toBe(403);
  });

  it('exports YAML and JSON with secrets masked, and the export imports back unchanged', async () => {
    const yaml = await request(api.app).get('/api/v1/directory-file.yaml').set('Authorization', api.keys.readOnly);
    expect(yaml.status).toBe(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    expect(yaml.headers['content-disposition']).toMatch(/^attachment; filename="?directory\.yaml"?$/);
    expect(yaml.text).not.toContain('in-secret');
    expect(yaml.text).toContain('********');
    const parsed = parseYaml(yaml.text) as { partners: { symbol: string }[] };
    expect(parsed.partners.map((p) => p.symbol)).toEqual(expect.arrayContaining(['ISIL:US-KNOWN', 'ISIL:US-NEW', 'ISIL:US-SAME']));
    const json = await request(api.app).get('/api/v1/directory-file.json').set('Authorization', api.keys.admin);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json.text)).toEqual(parsed);
    const back = await importing(yaml.text, true);
    expect(back.body.rejected).toEqual([]);
    expect(back.body.counts.added + back.body.counts.changed).toBe(0);
  });
});
