import request from 'supertest';
import { findPartnerBySymbol } from '../../../src/store/partners';
import { startStaffApi, type StaffApi } from '../../helpers/staff-api';

interface Line {
  progress?: { phase: 'checking' | 'writing'; done: number; total: number };
  plan?: { applied: boolean; counts: Record<string, number>; rejected: { path: string; problems: { path: string }[] }[] };
  problem?: { status: number; title: string };
}

/** 1,200 partners (short ones: the test server takes 64 KB bodies), two of them wrong, and one already in the directory. */
function largeFile(): string {
  const partners: Record<string, unknown>[] = Array.from({ length: 1200 }, (_, i) => ({ symbol: `ISIL:DK-P${i}`, name: `P${i}` }));
  partners[7] = { symbol: 'ISIL:DK-P7', name: 'P7', contactEmail: 'not-an-address' };
  partners[1100] = { symbol: 'ISIL:DK-P1100', name: '', colour: 'blue' };
  partners[3] = { symbol: 'ISIL:DK-EARLIER', name: 'Earlier Library (renamed)' };
  return JSON.stringify({ partners });
}

describe('staff API: a large directory import tells its progress as NDJSON when asked', () => {
  let api: StaffApi;
  beforeAll(async () => {
    api = await startStaffApi();
    const made = await request(api.app).post('/api/v1/partners').set('Authorization', api.keys.admin).send({ symbol: 'ISIL:DK-EARLIER', name: 'Earlier Library' });
    expect(made.status).toBe(201);
  });
  afterAll(() => api.database.close());

  const importing = (dryRun: boolean, accept?: string, content = largeFile()) => {
    const call = request(api.app).post(`/api/v1/directory-file/import?dryRun=${dryRun}`).set('Authorization', api.keys.admin);
    return (accept ? call.set('Accept', accept) : call).send({ format: 'json', content });
  };

  const linesOf = (text: string): Line[] =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);

  function expectMonotoneProgress(lines: Line[], phases: readonly string[]): void {
    const progress = lines.slice(0, -1).map((l) => l.progress!);
    expect(progress.every(Boolean)).toBe(true);
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(phases);
    for (const phase of phases) {
      const steps = progress.filter((p) => p.phase === phase);
      for (const [i, p] of steps.entries()) {
        expect(p.done).toBeLessThanOrEqual(p.total);
        if (i > 0) {
          expect(p.done).toBeGreaterThan(steps[i - 1]!.done);
          // Never more than 250 entries between two lines.
          expect(p.done - steps[i - 1]!.done).toBeLessThanOrEqual(250);
        }
      }
      expect(steps.at(-1)!.done).toBe(steps.at(-1)!.total);
    }
  }

  it('streams the checking, then the same plan the JSON answer gives, rejected entries with their paths, writing nothing on a dry run', async () => {
    const plain = await importing(true);
    expect(plain.status).toBe(200);
    expect(plain.type).toBe('application/json');

    const streamed = await importing(true, 'application/x-ndjson').buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = linesOf(streamed.body as string);
    expectMonotoneProgress(lines, ['checking']);
    expect(lines[0]!.progress).toEqual({ phase: 'checking', done: 0, total: 1200 });
    expect(lines.at(-1)!.plan).toEqual(plain.body);
    expect(plain.body.counts).toEqual({ added: 1197, changed: 1, unchanged: 0, rejected: 2 });
    expect(lines.at(-1)!.plan!.rejected.map((r) => [r.path, r.problems.map((p) => p.path).sort()])).toEqual([
      ['partners[7]', ['partners[7].contactEmail']],
      ['partners[1100]', ['partners[1100].colour', 'partners[1100].name']],
    ]);
    expect(await findPartnerBySymbol(api.database.db, 'ISIL:DK-P0')).toBeUndefined();
  });

  it('applies the file, streaming checking then writing, and the plan says it was applied', async () => {
    const streamed = await importing(false, 'application/x-ndjson').buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
    const lines = linesOf(streamed.body as string);
    expectMonotoneProgress(lines, ['checking', 'writing']);
    expect(lines.findLast((l) => l.progress?.phase === 'writing')!.progress).toEqual({ phase: 'writing', done: 1198, total: 1198 });
    expect(lines.at(-1)!.plan).toMatchObject({ applied: true, counts: { added: 1197, changed: 1, unchanged: 0, rejected: 2 } });
    expect((await findPartnerBySymbol(api.database.db, 'ISIL:DK-P1199'))?.name).toBe('P1199');
    expect((await findPartnerBySymbol(api.database.db, 'ISIL:DK-EARLIER'))?.name).toBe('Earlier Library (renamed)');
    expect(await findPartnerBySymbol(api.database.db, 'ISIL:DK-P7')).toBeUndefined();

    const again = await importing(true);
    expect(again.body.counts).toEqual({ added: 0, changed: 0, unchanged: 1198, rejected: 2 });
  });

  it('answers a file it cannot read with an ordinary problem, before any line', async () => {
    const res = await importing(true, 'application/x-ndjson', '{"partners": [');
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'content' })]);
  });
});
