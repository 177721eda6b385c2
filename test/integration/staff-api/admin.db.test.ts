import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { hashKey } from '../../../src/services/access/api-keys';
import { findApiKeyById } from '../../../src/store/api-keys';
import { findLibraryBySymbol } from '../../../src/store/libraries';
import { findPartnerBySymbol } from '../../../src/store/partners';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: API keys, the partner directory and library settings', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
  });
  afterAll(() => api.database.close());

  const as = (key: string) => ({
    get: (path: string) => request(api.app).get(`/api/v1${path}`).set('Authorization', key),
    post: (path: string, body: unknown) => request(api.app).post(`/api/v1${path}`).set('Authorization', key).send(body as object),
    patch: (path: string, body: unknown) => request(api.app).patch(`/api/v1${path}`).set('Authorization', key).send(body as object),
    delete: (path: string) => request(api.app).delete(`/api/v1${path}`).set('Authorization', key),
  });
  const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

  describe('API keys', () => {
    it('makes a key, shows it once, stores only its hash, and never lists it', async () => {
      const res = await as(api.keys.admin).post('/api-keys', { name: 'Discovery layer', role: 'read-only', library: 'isil:dk-200' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Discovery layer', role: 'read-only', library: LIBRARY_B, revokedAt: null });
      expect(res.body.key).toMatch(/^ill_[A-Za-z0-9_-]{43}$/);
      expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
      const stored = await findApiKeyById(api.database.db, res.body.id);
      expect(stored?.keyHash).toBe(hashKey(res.body.key));
      expect(JSON.stringify(stored)).not.toContain(res.body.key);
      const list = await as(api.keys.admin).get('/api-keys');
      expect(list.status).toBe(200);
      const listed = (list.body as { id: string }[]).find((k) => k.id === res.body.id);
      expect(listed).toEqual({ id: res.body.id, name: 'Discovery layer', role: 'read-only', library: LIBRARY_B, prefix: res.body.prefix, createdAt: res.body.createdAt, lastUsedAt: null, revokedAt: null });
      expect(JSON.stringify(list.body)).not.toMatch(/keyHash|"key"/);
    });

    it('lets an admin of one library make and see keys of that library only', async () => {
      const own = await as(api.keys.adminA).post('/api-keys', { name: 'desk', role: 'staff' });
      expect(own.status).toBe(201);
      expect(own.body.library).toBe(LIBRARY_A);
      expect((await as(api.keys.adminA).post('/api-keys', { name: 'x', role: 'staff', library: LIBRARY_B })).status).toBe(403);
      expect((await as(api.keys.adminA).post('/api-keys', { name: 'x', role: 'admin', library: null })).status).toBe(403);
      const list = await as(api.keys.adminA).get('/api-keys');
      expect(new Set((list.body as { library: string }[]).map((k) => k.library))).toEqual(new Set([LIBRARY_A]));
      expect((await as(api.keys.adminA).delete(`/api-keys/${api.keyIds.staffB!}`)).status).toBe(404);
    });

    it('revokes a key once; it stays listed with the time it was revoked', async () => {
      const made = await as(api.keys.admin).post('/api-keys', { name: 'old script', role: 'staff' });
      const first = await as(api.keys.admin).delete(`/api-keys/${made.body.id as string}`);
      expect(first.status).toBe(200);
      expect(first.body.revokedAt).toEqual(expect.any(String));
      const again = await as(api.keys.admin).delete(`/api-keys/${made.body.id as string}`);
      expect(again.body.revokedAt).toBe(first.body.revokedAt);
    });

    it('refuses bad input, unknown libraries and unknown keys', async () => {
      const bad = await as(api.keys.admin).post('/api-keys', { name: '', role: 'superuser', extra: 1 });
      expect(bad.status).toBe(400);
      expect(paths(bad).sort()).toEqual(['(body)', 'name', 'role']);
      const unknown = await as(api.keys.admin).post('/api-keys', { name: 'x', role: 'staff', library: 'ISIL:XX-9' });
      expect(unknown.status).toBe(400);
      expect(paths(unknown)).toEqual(['library']);
      expect((await as(api.keys.admin).delete(`/api-keys/${randomUUID()}`)).status).toBe(404);
      expect((await as(api.keys.admin).delete('/api-keys/nonsense')).status).toBe(404);
    });
  });

  describe('the partner directory', () => {
    const partner = {
      symbol: 'isil:dk-900',
      name: 'Lending Library',
      iso18626Url: 'https://ill.example.org/iso18626',
      auth: { inbound: { securityCode: 'in-secret' }, outbound: { securityCode: 'out-secret', httpHeaders: { 'X-Okapi-Token': 'token-secret' } } },
      policies: { services: ['Loan'], loanPeriodDays: 28 },
      vendor: 'ReShare',
    };

    it('adds a partner under its canonical symbol and never shows its secrets', async () => {
      const res = await as(api.keys.admin).post('/partners', partner);
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/api/v1/partners/ISIL%3ADK-900');
      expect(res.body).toMatchObject({
        symbol: 'ISIL:DK-900',
        status: 'active',
        protocolVersion: '1.2',
        auth: { inbound: { securityCode: '********' }, outbound: { securityCode: '********', httpHeaders: { 'X-Okapi-Token': '********' } } },
        policies: { services: ['Loan'], loanPeriodDays: 28, lends: true },
      });
      for (const read of [await as(api.keys.staffA).get('/partners'), await as(api.keys.readOnly).get('/partners/isil:dk-900')]) {
        expect(read.status).toBe(200);
        expect(JSON.stringify(read.body)).not.toMatch(/secret/);
      }
      expect((await findPartnerBySymbol(api.database.db, 'ISIL:DK-900'))?.auth).toMatchObject({ inbound: { securityCode: 'in-secret' } });
    });

    it('refuses the same symbol twice with 409', async () => {
      const res = await as(api.keys.admin).post('/partners', { ...partner, symbol: 'ISIL:DK-900' });
      expect(res.status).toBe(409);
    });

    it('changes only the fields given; a masked secret sent back keeps the stored one', async () => {
      const read = await as(api.keys.admin).get('/partners/ISIL:DK-900');
      const auth = read.body.auth as { outbound: { securityCode: string } };
      auth.outbound.securityCode = 'new-out-secret';
      const res = await as(api.keys.admin).patch('/partners/ISIL:DK-900', { auth, status: 'suspended' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'suspended', name: 'Lending Library', policies: { loanPeriodDays: 28 } });
      const stored = await findPartnerBySymbol(api.database.db, 'ISIL:DK-900');
      expect(stored?.auth).toEqual({ inbound: { securityCode: 'in-secret' }, outbound: { securityCode: 'new-out-secret', httpHeaders: { 'X-Okapi-Token': 'token-secret' } } });
    });

    it('refuses a mask where no secret is stored, bad URLs and policies it does not know, changing nothing', async () => {
      const before = await findPartnerBySymbol(api.database.db, 'ISIL:DK-900');
      const mask = await as(api.keys.admin).patch('/partners/ISIL:DK-900', { auth: { outbound: { accountId: '********', httpHeaders: { 'X-New': '********' } } } });
      expect(mask.status).toBe(400);
      expect(paths(mask)).toEqual(['auth.outbound.httpHeaders.X-New']);
      const bad = await as(api.keys.admin).patch('/partners/ISIL:DK-900', { iso18626Url: 'ftp://x', policies: { lends: 'yes', colour: 'red' }, status: 'gone' });
      expect(bad.status).toBe(400);
      expect(paths(bad).sort()).toEqual(['iso18626Url', 'policies', 'policies.lends', 'status']);
      expect(await findPartnerBySymbol(api.database.db, 'ISIL:DK-900')).toEqual(before);
    });

    it('writes to a partner in the ISO 18626 version staff set: 1.2 by default, or 2021', async () => {
      const res = await as(api.keys.admin).patch('/partners/ISIL:DK-900', { protocolVersion: '2021' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ protocolVersion: '2021', name: 'Lending Library' });
      expect((await as(api.keys.readOnly).get('/partners/ISIL:DK-900')).body).toMatchObject({ protocolVersion: '2021' });
      expect((await api.deps.directory.partner('ISIL:DK-900'))?.protocolVersion).toBe('2021');
      const bad = await as(api.keys.admin).patch('/partners/ISIL:DK-900', { protocolVersion: '1.3' });
      expect(bad.status).toBe(400);
      expect(paths(bad)).toEqual(['protocolVersion']);
      const added = await as(api.keys.admin).post('/partners', { ...partner, symbol: 'ISIL:DK-901', protocolVersion: '2021' });
      expect(added.body).toMatchObject({ symbol: 'ISIL:DK-901', protocolVersion: '2021' });
    });

    it('answers 404 for a partner not in the directory', async () => {
      expect((await as(api.keys.admin).get('/partners/ISIL:XX-1')).status).toBe(404);
      expect((await as(api.keys.admin).patch('/partners/ISIL:XX-1', { name: 'x' })).status).toBe(404);
    });
  });

  describe('libraries served here', () => {
    const ncip = {
      url: 'https://ils.example.org/ncip',
      fromAgencyId: 'ILL',
      toAgencyId: 'DK-100',
      fromAgencyAuthentication: 'ncip-secret',
      authentication: { type: 'basic', username: 'ill', password: 'pw-secret' },
    };

    it('lists the libraries a key may see: all, or its own', async () => {
      expect((await as(api.keys.readOnly).get('/libraries')).body.map((l: { symbol: string }) => l.symbol)).toEqual([LIBRARY_A, LIBRARY_B]);
      expect((await as(api.keys.staffB).get('/libraries')).body.map((l: { symbol: string }) => l.symbol)).toEqual([LIBRARY_B]);
      expect((await as(api.keys.staffB).get(`/libraries/${LIBRARY_A}`)).status).toBe(404);
    });

    it('serves a new library, and refuses one it serves already', async () => {
      const res = await as(api.keys.admin).post('/libraries', { symbol: 'isil:dk-300', name: 'Third Library', settings: { pickupLocations: [{ code: 'MAIN', name: 'Main desk' }] } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ symbol: 'ISIL:DK-300', settings: { pickupLocations: [{ code: 'MAIN', name: 'Main desk' }] } });
      expect((await as(api.keys.admin).post('/libraries', { symbol: 'ISIL:DK-300', name: 'Again' })).status).toBe(409);
    });

    it('stores NCIP settings, mail and pickup locations, and shows the secrets masked', async () => {
      const res = await as(api.keys.adminA).patch(`/libraries/${LIBRARY_A}`, {
        settings: { ncip, mail: { fromAddress: 'ill@example.org', templates: { shipped: { subject: 'On its way: {{title}}' } } }, pickupLocations: [{ code: 'MAIN', name: 'Main desk' }] },
      });
      expect(res.status).toBe(200);
      expect(res.body.settings.ncip).toMatchObject({ url: ncip.url, fromAgencyAuthentication: '********', authentication: { type: 'basic', username: 'ill', password: '********' }, enabled: true });
      expect(res.body.settings.mail).toMatchObject({ fromAddress: 'ill@example.org', enabled: true });
      const read = await as(api.keys.staffA).get(`/libraries/${LIBRARY_A}`);
      expect(JSON.stringify(read.body)).not.toContain('secret');
      const stored = await findLibraryBySymbol(api.database.db, LIBRARY_A);
      expect(stored?.settings).toMatchObject({ ncip: { fromAgencyAuthentication: 'ncip-secret', authentication: { password: 'pw-secret' } } });
    });

    it('keeps a masked secret sent back, keeps parts not mentioned, and removes a part set to null', async () => {
      const read = await as(api.keys.admin).get(`/libraries/${LIBRARY_A}`);
      const res = await as(api.keys.admin).patch(`/libraries/${LIBRARY_A}`, { name: 'Main Library (Central)', settings: { ncip: { ...read.body.settings.ncip, timeoutMs: 5000 }, mail: null } });
      expect(res.status).toBe(200);
      const stored = await findLibraryBySymbol(api.database.db, LIBRARY_A);
      expect(stored?.name).toBe('Main Library (Central)');
      expect(stored?.settings).toMatchObject({ ncip: { timeoutMs: 5000, fromAgencyAuthentication: 'ncip-secret', authentication: { password: 'pw-secret' } }, pickupLocations: [{ code: 'MAIN' }] });
      expect(stored?.settings).not.toHaveProperty('mail');
    });

    it('refuses bad settings with each field named, changing nothing', async () => {
      const before = await findLibraryBySymbol(api.database.db, LIBRARY_A);
      const res = await as(api.keys.admin).patch(`/libraries/${LIBRARY_A}`, {
        settings: {
          ncip: { url: 'not a url', fromAgencyId: 'ILL' },
          // An unescaped Handlebars expression would put request data into HTML raw: refused.
          mail: { fromAddress: 'nobody', templates: { shipped: { text: '', html: '<p>{{{title}}}</p>' } } },
          pickupLocations: [{ code: 'A', name: 'One' }, { code: 'a', name: 'Two' }],
          colour: 'red',
        },
      });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(expect.arrayContaining(['settings.ncip.url', 'settings.ncip.toAgencyId', 'settings.mail.fromAddress', 'settings.mail.templates.shipped.text', 'settings.mail.templates.shipped.html', 'settings.pickupLocations', 'settings']));
      expect(await findLibraryBySymbol(api.database.db, LIBRARY_A)).toEqual(before);
    });

    it('lets only an admin change settings, and an admin of one library only its own', async () => {
      expect((await as(api.keys.staffA).patch(`/libraries/${LIBRARY_A}`, { name: 'x' })).status).toBe(403);
      expect((await as(api.keys.adminA).patch(`/libraries/${LIBRARY_B}`, { name: 'x' })).status).toBe(404);
      expect((await as(api.keys.admin).patch('/libraries/ISIL:XX-1', { name: 'x' })).status).toBe(404);
    });
  });
});
