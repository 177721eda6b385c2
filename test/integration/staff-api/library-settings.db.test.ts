/**
 * A systems librarian sets a library up through the staff API: every documented setting part
 * (ncip, ncipResponder, mail, pickupLocations, broker, routing, lending, catalogue) can be set, changed and removed,
 * each is checked with the schema its reader uses, and the OpenAPI document describes them all
 * so a web interface can build its forms from it.
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { libraries } from '../../../src/store/schema';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: every library setting (PATCH /libraries/{symbol})', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
  });
  afterAll(() => api.database.close());

  const patch = (symbol: string, body: unknown) => request(api.app).patch(`/api/v1/libraries/${symbol}`).set('Authorization', api.keys.admin).send(body as object);
  const get = async (symbol: string) => (await request(api.app).get(`/api/v1/libraries/${symbol}`).set('Authorization', api.keys.admin)).body as { settings: Record<string, unknown>; settingsProblems: { path: string; message: string }[] };
  const paths = (res: request.Response) => (res.body.errors as { path: string }[]).map((e) => e.path);

  it('makes a library a broker hub in either mode, and stops it being one with null', async () => {
    const res = await patch(LIBRARY_B, { settings: { broker: { mode: 'transparent' } } });
    expect(res.status).toBe(200);
    expect(res.body.settings.broker).toEqual({ mode: 'transparent' });
    expect((await patch(LIBRARY_B, { settings: { broker: { mode: 'opaque' } } })).body.settings.broker).toEqual({ mode: 'opaque' });
    const removed = await patch(LIBRARY_B, { settings: { broker: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.settings).not.toHaveProperty('broker');
  });

  it('sets the routing strategy, and the next rota is ordered by it', async () => {
    const res = await patch(LIBRARY_A, { settings: { routing: { strategy: 'load_balance' } } });
    expect(res.status).toBe(200);
    expect(res.body.settings.routing).toEqual({ strategy: 'load_balance' });
    const dryRun = await request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({});
    expect(dryRun.body.strategy).toBe('load_balance');
    await patch(LIBRARY_A, { settings: { routing: null } });
    expect((await request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({})).body.strategy).toBe('as_given');
  });

  it('changes only the parts given: the others stay as they were', async () => {
    await patch(LIBRARY_A, { settings: { mail: { fromAddress: 'ill@main.example', timeZone: 'Europe/Copenhagen' }, pickupLocations: [{ code: 'MAIN', name: 'Main desk' }] } });
    const res = await patch(LIBRARY_A, { settings: { broker: { mode: 'opaque' }, routing: { strategy: 'reciprocal_first' } } });
    expect(res.body.settings).toMatchObject({
      mail: { fromAddress: 'ill@main.example', timeZone: 'Europe/Copenhagen' },
      pickupLocations: [{ code: 'MAIN', name: 'Main desk' }],
      broker: { mode: 'opaque' },
      routing: { strategy: 'reciprocal_first' },
    });
    expect(res.body.settingsProblems).toEqual([]);
    await patch(LIBRARY_A, { settings: { broker: null, routing: null } });
  });

  it('refuses a wrong broker mode or strategy with the setting named, and changes nothing', async () => {
    const before = await get(LIBRARY_A);
    const bad = await patch(LIBRARY_A, { settings: { broker: { mode: 'sideways' }, routing: { strategy: 'random' } } });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['settings.broker.mode', 'settings.routing.strategy']);
    const extra = await patch(LIBRARY_A, { settings: { broker: { mode: 'opaque', hops: 2 } } });
    expect(extra.status).toBe(400);
    expect(paths(extra)).toEqual(['settings.broker']);
    expect(await get(LIBRARY_A)).toEqual(before);
  });

  it('reports stored settings that do not validate instead of failing, until staff fix them', async () => {
    // As an older version or an edit in SQL left them.
    await api.database.directory.write((db) => db.update(libraries).set({ settings: { broker: { mode: 'sideways' }, pickupLocations: ['Desk'], colour: 'red' } }).where(eq(libraries.id, api.libraryIds.b)));
    const shown = await request(api.app).get(`/api/v1/libraries/${LIBRARY_B}`).set('Authorization', api.keys.admin);
    expect(shown.status).toBe(200);
    expect(shown.body.settingsProblems.map((p: { path: string }) => p.path).sort()).toEqual(['settings.broker.mode', 'settings.colour', 'settings.pickupLocations.0']);
    // Another part can still be changed; the bad ones are reported until they are replaced or removed.
    const fixed = await patch(LIBRARY_B, { settings: { broker: { mode: 'opaque' }, pickupLocations: [{ code: 'DESK', name: 'Desk' }], mail: { enabled: false } } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.settingsProblems).toEqual([{ path: 'settings.colour', message: 'is not a known setting' }]);
  });

  it('describes every setting part in the OpenAPI document, with the closed vocabularies', async () => {
    const document = (await request(api.app).get('/api/v1/openapi.json')).body as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    const changes = document.components.schemas.LibrarySettingsChanges!;
    expect(Object.keys(changes.properties).sort()).toEqual(['broker', 'catalogue', 'lending', 'mail', 'ncip', 'ncipResponder', 'patrons', 'pickupLocations', 'privacy', 'routing']);
    const text = JSON.stringify(changes);
    expect(text).toContain('"marc924"');
    expect(text).toContain('"opaque","transparent"');
    expect(text).toContain('"as_given","load_balance","reciprocal_first","performance"');
    expect(text).toContain('"none","name","full"');
    expect(JSON.stringify(document.components.schemas.Library)).toContain('settingsProblems');
  });
});
