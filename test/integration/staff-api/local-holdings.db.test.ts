/**
 * Held locally: before a borrowing request goes out, the library's own catalogue
 * (`settings.catalogue.local`) is asked; an available physical copy there holds the request for
 * staff (state local_review, queue borrowing.local), who fill it from their own shelf
 * (`fill_locally`: it ends, nobody else is asked, the patron hears so) or send it out after all.
 * A local catalogue that holds only an electronic copy, or is down, holds nothing. Libraries that
 * name no union catalogue of their own ask the server's (CATALOGUE_FILE).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { JOBS } from '../../../src/jobs';
import { readCatalogueFile } from '../../../src/services/catalogue/catalogue-file';
import { ValidationFailed } from '../../../src/services/errors';
import { listOutboxForRequest } from '../../../src/store/outbox';
import { insertPartner } from '../../../src/store/partners';
import { LIBRARY_A, startStaffApi, type StaffApi } from '../../helpers/staff-api';
import { SHARED_SRU_DIR, startSruServer, type SruTestServer } from '../../helpers/sru-server';

const GVI_ANSWER = join(__dirname, '../../fixtures/catalog/gvi-marc924.xml');
// UPenn's Alma: two available physical copies (KatzLib, Libra), and a record with only an electronic portfolio.
const OWN_PHYSICAL = join(SHARED_SRU_DIR, 'upenn-libraries-Find__physical_bib_availability.xml');
const OWN_ELECTRONIC = join(SHARED_SRU_DIR, 'upenn-libraries-Find__electronic_bib_availability.xml');
const LENDERS = ['ISIL:DE-705', 'ISIL:DE-Ofb1'];

interface Made {
  readonly id: string;
  readonly state: string;
  readonly version: number;
  readonly actions: string[];
  readonly data: { lifecycle: { rota: { symbol: string }[]; heldLocally?: boolean }; routing: { local?: { held: boolean; copies: { code: string; callNumber?: string; location?: string }[]; lookup: { ok: boolean; reason?: string } } } };
}

describe('a request our own catalogue holds', () => {
  let api: StaffApi;
  let union: SruTestServer;
  let own: SruTestServer;
  let dir: string;
  beforeAll(async () => {
    union = await startSruServer({ kind: 'file', path: GVI_ANSWER });
    own = await startSruServer({ kind: 'file', path: OWN_PHYSICAL });
    dir = mkdtempSync(join(tmpdir(), 'ill-catalogue-'));
    const file = join(dir, 'catalogue.yaml');
    writeFileSync(file, `sources:\n  - name: GVI\n    url: ${union.url}\n    indexes: { isbn: isbn }\n    holdings: { kind: marc924 }\n    timeoutMs: 1500\ncacheSeconds: 0\n`);
    // The server's union catalogue, as CATALOGUE_FILE gives it.
    api = await startStaffApi({ routing: { strategy: 'as_given', loadWindowDays: 30, catalogue: readCatalogueFile(file) } });
    for (const symbol of [...LENDERS, 'ISIL:DE-18', 'ISIL:DE-7', 'ISIL:DE-21']) {
      await insertPartner(api.database.db, { id: randomUUID(), symbol, name: symbol, iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' });
    }
    // Library A names only its own catalogue: its lenders come from the server's.
    const res = await request(api.app)
      .patch(`/api/v1/libraries/${LIBRARY_A}`)
      .set('Authorization', api.keys.admin)
      .send({ settings: { catalogue: { cacheSeconds: 0, local: { name: 'Our catalogue', url: own.url, indexes: { isbn: 'alma.isbn' }, holdings: { kind: 'alma' }, symbols: { table: { KatzLib: LIBRARY_A, Libra: LIBRARY_A } }, timeoutMs: 1500 } } } });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([union.close(), own.close()]);
    await api.database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => own.setMode({ kind: 'file', path: OWN_PHYSICAL }));

  const borrow = async (key = api.keys.staffA): Promise<Made> => {
    const res = await request(api.app).post('/api/v1/requests').set('Authorization', key).send({ bibliographic: { title: 'Political theory', isbn: '9780415495370' }, patron: { id: 'P-1', email: 'ada@example.org' } });
    expect(res.status).toBe(201);
    return res.body as Made;
  };
  const act = async (made: Made, action: string) => {
    const res = await request(api.app).post(`/api/v1/requests/${made.id}/actions`).set('Authorization', api.keys.staffA).send({ action, version: made.version });
    expect(res.status).toBe(200);
    return res.body as Made;
  };
  const queueCount = async (id: string) => {
    const res = await request(api.app).get('/api/v1/queues').set('Authorization', api.keys.staffA);
    return (res.body.queues as { id: string; count: number }[]).find((q) => q.id === id)?.count;
  };
  const sentMessages = async (id: string) => (await listOutboxForRequest(api.database.db, id)).filter((r) => r.jobName === JOBS.send).length;

  it('waits for staff in the held-locally queue, showing the copies, before any lender is asked', async () => {
    const before = (await queueCount('borrowing.local')) ?? 0;
    const made = await borrow();
    expect(made.state).toBe('local_review');
    expect(made.actions).toEqual(expect.arrayContaining(['fill_locally', 'send', 'cancel']));
    expect(made.data.routing.local).toMatchObject({ held: true, copies: [{ code: 'KatzLib', callNumber: 'B53 .R68' }, { code: 'Libra', callNumber: 'B53 .R68' }], lookup: { ok: true } });
    // The lenders are ready should staff send it: the server's union catalogue named them.
    expect(made.data.lifecycle.rota.map((e) => e.symbol)).toEqual(LENDERS);
    expect(await queueCount('borrowing.local')).toBe(before + 1);
    expect(await sentMessages(made.id)).toBe(0);
  });

  it('ends when staff fill it from the shelf: nobody else is asked, and the patron is told', async () => {
    const filled = await act(await borrow(), 'fill_locally');
    expect(filled.state).toBe('filled_locally');
    expect(filled.actions).toEqual([]);
    expect(await sentMessages(filled.id)).toBe(0);
    const mail = (await listOutboxForRequest(api.database.db, filled.id)).filter((r) => r.jobName === JOBS.notice).map((r) => (r.payload as { notice: string }).notice);
    expect(mail).toEqual(['request_received', 'filled_locally']);
    const notices = await request(api.app).get(`/api/v1/requests/${filled.id}/notices/filled_locally/preview`).set('Authorization', api.keys.staffA);
    expect(notices.status).toBe(200);
    expect(notices.body.subject).toContain('In our own collection');
    const detail = await request(api.app).get(`/api/v1/requests/${filled.id}`).set('Authorization', api.keys.staffA);
    expect((detail.body.timeline as { kind: string; toState?: string }[]).filter((e) => e.kind === 'event').map((e) => e.toState)).toEqual(['new', 'local_review', 'filled_locally']);
  });

  it('goes to the first lender when staff send it out after all', async () => {
    const sent = await act(await borrow(), 'send');
    expect(sent.state).toBe('sent_to_supplier');
    expect(await sentMessages(sent.id)).toBe(1);
  });

  it('is not held when the own catalogue has only an electronic copy', async () => {
    own.setMode({ kind: 'file', path: OWN_ELECTRONIC });
    const made = await borrow();
    expect(made.state).toBe('sent_to_supplier');
    expect(made.data.routing.local).toMatchObject({ held: false, copies: [], lookup: { ok: true } });
  });

  it('is not held, and says why, when the own catalogue is down', async () => {
    own.setMode({ kind: 'body', body: 'Service Unavailable', status: 503, contentType: 'text/plain' });
    const made = await borrow();
    expect(made.state).toBe('sent_to_supplier');
    expect(made.data.routing.local).toMatchObject({ held: false, lookup: { ok: false, reason: expect.stringContaining('503') } });
  });

  it('shows the local copies in the dry run', async () => {
    const res = await request(api.app).post('/api/v1/routing/dry-run').set('Authorization', api.keys.staffA).send({ bibliographic: { isbn: '9780415495370' } });
    expect(res.status).toBe(200);
    expect(res.body.local).toMatchObject({ held: true, copies: [{ code: 'KatzLib' }, { code: 'Libra' }] });
    expect(res.body.rota.map((e: { symbol: string }) => e.symbol)).toEqual(LENDERS);
  });

  it('a library without a catalogue of its own asks the server’s, and nothing holds its requests', async () => {
    const made = await borrow(api.keys.staffB);
    expect(made.state).toBe('sent_to_supplier');
    expect(made.data.lifecycle.rota.map((e) => e.symbol)).toEqual(LENDERS);
    expect(made.data.routing.local).toBeUndefined();
  });
});

describe('the server’s catalogue file (CATALOGUE_FILE)', () => {
  it('is refused at start with every problem and where it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ill-catalogue-'));
    try {
      const file = join(dir, 'catalogue.yaml');
      writeFileSync(file, 'sources:\n  - url: https://sru.example.org/sru\n    indexes: { isbn: isbn }\n    holdings: { kind: marc999 }\n    colour: blue\n');
      expect(() => readCatalogueFile(file)).toThrow(ValidationFailed);
      try {
        readCatalogueFile(file);
      } catch (err) {
        expect((err as ValidationFailed).fields.map((f) => f.path)).toEqual(expect.arrayContaining(['sources[0].holdings.kind', 'sources[0].colour']));
      }
      expect(() => readCatalogueFile(join(dir, 'missing.yaml'))).toThrow(/cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
