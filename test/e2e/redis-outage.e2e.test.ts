/**
 * A borrowing library whose Redis goes away: staff and partners are still answered, the work
 * they cause is committed and waits, and it reaches the lender once Redis is back.
 *
 * Server A (the borrower, ISIL:DK-A) runs on a Redis of this test's own, with an append-only
 * file, that the test stops and starts again on the same port; B (the lender) on the run's Redis.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { buildIso18626, parseIso18626, type Request } from '../../protocols/iso18626';
import { createApiKey } from '../../src/services/access/api-keys';
import { listOutboxForRequest } from '../../src/store/outbox';
import { getRequest, type RequestRow } from '../../src/store/requests';
import { requests } from '../../src/store/schema';
import { startRedisServer, type RedisServer } from '../../workers/redis-server';
import { lenderRequest } from '../helpers/e2e';
import { addPartners, startInstance, type Instance } from '../helpers/instances';
import { borrowing } from '../helpers/staff-api';

jest.setTimeout(120_000);

/** Long enough for a loaded machine, short enough that a request waiting on Redis fails the test. */
const ANSWER_WITHIN_MS = 20_000;

describe('a Redis outage at the borrowing library', () => {
  let redisDir: string;
  let redis: RedisServer;
  let a: Instance;
  let b: Instance;
  let staffKey: string;

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'ill-outage-redis-'));
    redis = await startRedisServer({ dataDir: redisDir });
    [a, b] = await Promise.all([startInstance('a', ['ISIL:DK-A'], { redisUrl: redis.url }), startInstance('b', ['ISIL:DK-B1'])]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender', at: b, inboundSecret: 'from-b' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a }]);
    staffKey = (await createApiKey(a.service.lifecycle, { name: 'desk', role: 'staff', library: 'ISIL:DK-A' })).key;
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await redis?.stop();
    rmSync(redisDir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${a.url}${path}`, { ...init, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });

  it('answers staff, partners, readiness and metrics while Redis is down, and delivers the work once it is back', async () => {
    await redis.stop();

    // Staff create a borrowing request: answered and committed, its message to the lender waiting.
    const created = await call('/api/v1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${staffKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(borrowing({ candidates: [{ symbol: 'ISIL:DK-B1' }] })),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await getRequest(a.service.runtime.database.db, id))?.state).toBe('sent_to_supplier');
    expect((await listOutboxForRequest(a.service.runtime.database.db, id)).map((r) => [r.queue, r.status])).toContainEqual(['delivery', 'pending']);

    // A partner asks A to lend: confirmed, and the lending request is stored.
    const partnerRequest: Request = {
      kind: 'request',
      header: {
        supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-A' },
        requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'DK-B1' },
        timestamp: new Date().toISOString(),
        requestingAgencyRequestId: `outage-${randomUUID().slice(0, 8)}`,
        requestingAgencyAuthentication: { securityCode: 'from-b' },
      },
      bibliographicInfo: { title: 'Roadside Picnic' },
      serviceInfo: { serviceType: 'Loan' },
    };
    const confirmed = await call('/iso18626', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: buildIso18626(partnerRequest) });
    expect(confirmed.status).toBe(200);
    expect(parseIso18626(await confirmed.text()).message).toMatchObject({ kind: 'requestConfirmation', confirmationHeader: { messageStatus: 'OK' } });
    const [lending] = await a.service.runtime.database.db.select().from(requests).where(eq(requests.requestingAgencyRequestId, partnerRequest.header.requestingAgencyRequestId));
    expect(lending).toMatchObject({ role: 'supplier', state: 'validated' });

    const ready = await call('/health/ready');
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { status: string }> }).checks).toMatchObject({ database: { status: 'up' }, redis: { status: 'down' } });

    const metrics = await call('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^ill_outbox_oldest_age_seconds\{status="pending"\} [\d.e+-]+$/m);

    // Redis comes back where it was: nobody restarts the server, and the request reaches the lender.
    redis = await startRedisServer({ dataDir: redisDir, port: redis.port });
    const atLender = await lenderRequest(b, (await getRequest(a.service.runtime.database.db, id)) as RequestRow);
    expect(atLender).toMatchObject({ state: 'validated', requestingAgencyId: 'ISIL:DK-A' });
  });
});
