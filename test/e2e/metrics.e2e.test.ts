/**
 * /metrics after real traffic: two servers on loopback (A borrows for ISIL:DK-A, B lends for
 * ISIL:DK-B1) play a loan, and what each one's /metrics says is read as Prometheus reads it.
 * A's /metrics wants a bearer token (METRICS_TOKEN); B, on loopback without one, is open.
 */
import { buildIso18626, type Request } from '../../protocols/iso18626';
import { buildNcip } from '../../protocols/ncip';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { freeLoopbackPort } from '../../workers/redis-server';
import { act, lenderRequest, returnLoan, waitForState } from '../helpers/e2e';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { scrape, valueOf, type Sample } from '../helpers/metrics';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { eventually } from '../helpers/queues';

jest.setTimeout(120_000);

const TOKEN = 'metrics-token-for-a-0123456789';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const PATRON = { id: 'P-77', name: 'Shevek', email: 'shevek@example.org' };

describe('live metrics (/metrics) of two ILL servers', () => {
  let a: Instance;
  let b: Instance;
  let ils: MockIls | undefined;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('metrics-a', ['ISIL:DK-A'], { metricsToken: TOKEN }), startInstance('metrics-b', ['ISIL:DK-B1'])]);
    // A partner nobody answers for: a loopback port with no server behind it.
    const gone = { ...b, url: `http://127.0.0.1:${await freeLoopbackPort()}` };
    await addPartners(a, [
      { symbol: 'ISIL:DK-B1', name: 'Lender one', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' },
      { symbol: 'ISIL:DK-GONE', name: 'Lender gone', at: gone },
    ]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy(), ils?.close()]);
  });

  const borrow = (candidates: string[], patron: { id: string; name?: string; email?: string } = PATRON) =>
    createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({
        serviceType: 'Loan',
        bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.' },
        patron,
        pickupLocation: 'Main desk',
        candidates: candidates.map((symbol) => ({ symbol })),
      }),
      'staff:test',
      { channel: 'staff' },
    );
  const metricsOfA = async () => (await scrape(a.url, TOKEN)).samples;
  const metricsOfB = async () => (await scrape(b.url)).samples;

  it('counts a whole loan on both sides: requests by state, transitions, messages, turnaround, jobs, mail', async () => {
    const borrowing = await borrow(['ISIL:DK-B1']);
    const lending = await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowing.id, 'will_supply');
    await act(b, lending.id, 'ship', { dueDate: '2027-03-01T23:59:59Z' });
    await waitForState(a, borrowing.id, 'shipped');
    await returnLoan(a, borrowing.id, b, lending.id);

    const atA = await metricsOfA();
    expect(valueOf(atA, 'ill_requests', { library: 'ISIL:DK-A', role: 'requester', state: 'complete' })).toBe(1);
    expect(valueOf(atA, 'ill_requests', { role: 'supplier' })).toBe(0);
    const requesterPath = [
      ['none', 'new'],
      ['new', 'sent_to_supplier'],
      ['sent_to_supplier', 'will_supply'],
      ['will_supply', 'shipped'],
      ['shipped', 'received'],
      ['received', 'checked_out'],
      ['checked_out', 'returned_by_patron'],
      ['returned_by_patron', 'shipped_return'],
      ['shipped_return', 'complete'],
    ];
    for (const [from, to] of requesterPath) expect([from, to, valueOf(atA, 'ill_state_transitions_total', { role: 'requester', from: from!, to: to! })]).toEqual([from, to, 1]);
    // Our messages to the lender, each confirmed once; the lender's three status messages, each answered.
    expect(valueOf(atA, 'ill_iso18626_messages_total', { direction: 'out', partner: 'ISIL:DK-B1', message_type: 'request', status: 'confirmed' })).toBe(1);
    expect(valueOf(atA, 'ill_iso18626_messages_total', { direction: 'out', partner: 'ISIL:DK-B1', message_type: 'requestingAgencyMessage', status: 'confirmed' })).toBe(2);
    expect(valueOf(atA, 'ill_iso18626_messages_total', { direction: 'in', partner: 'ISIL:DK-B1', message_type: 'supplyingAgencyMessage', status: 'answered' })).toBe(3);
    expect(valueOf(atA, 'ill_delivery_failures_total', { partner: 'ISIL:DK-B1' })).toBe(0);
    expect(valueOf(atA, 'ill_iso18626_confirmation_errors_total')).toBe(0);
    // One loan: one observation of each interval, under its lender.
    expect(valueOf(atA, 'ill_borrowing_turnaround_seconds_count', { lender: 'ISIL:DK-B1', interval: 'request_to_shipped' })).toBe(1);
    expect(valueOf(atA, 'ill_borrowing_turnaround_seconds_count', { lender: 'ISIL:DK-B1', interval: 'request_to_received' })).toBe(1);
    expect(valueOf(atA, 'ill_borrowing_turnaround_seconds_bucket', { lender: 'ISIL:DK-B1', interval: 'request_to_shipped', le: '+Inf' })).toBe(1);
    expect(valueOf(atA, 'ill_job_duration_seconds_count', { job: 'iso18626.send', outcome: 'done' })).toBe(3);
    expect(valueOf(atA, 'ill_outbox_rows', { status: 'dead' })).toBe(0);
    expect(atA.some((s) => s.name === 'ill_queue_jobs' && s.labels.queue === 'delivery' && s.labels.state === 'waiting')).toBe(true);
    // Patron notices are written as files here (no SMTP_URL): sent, by the notify worker, soon after.
    await eventually(async () => valueOf(await metricsOfA(), 'ill_patron_mails_sent_total', { notice: 'ready_for_pickup' }) === 1, 30_000);

    const atB = await metricsOfB();
    expect(valueOf(atB, 'ill_requests', { library: 'ISIL:DK-B1', role: 'supplier', state: 'complete' })).toBe(1);
    expect(valueOf(atB, 'ill_state_transitions_total', { role: 'supplier', from: 'none', to: 'received' })).toBe(1);
    expect(valueOf(atB, 'ill_state_transitions_total', { role: 'supplier', from: 'will_supply', to: 'shipped' })).toBe(1);
    expect(valueOf(atB, 'ill_iso18626_messages_total', { direction: 'in', partner: 'ISIL:DK-A', message_type: 'request', status: 'answered' })).toBe(1);
    expect(valueOf(atB, 'ill_iso18626_messages_total', { direction: 'in', partner: 'ISIL:DK-A', message_type: 'requestingAgencyMessage', status: 'answered' })).toBe(2);
    expect(valueOf(atB, 'ill_iso18626_messages_total', { direction: 'out', partner: 'ISIL:DK-A', message_type: 'supplyingAgencyMessage', status: 'confirmed' })).toBe(3);
    // Turnaround is the borrower's figure: a lender keeps none.
    expect(valueOf(atB, 'ill_borrowing_turnaround_seconds_count')).toBe(0);
    // A lending request's patron is the partner's: no mail from the lender.
    expect(valueOf(atB, 'ill_patron_mails_sent_total')).toBe(0);
  });

  it('answers /metrics only with its bearer token when METRICS_TOKEN is set', async () => {
    const without = await scrape(a.url);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(without.text).not.toContain('ill_requests');
    expect((await scrape(a.url, 'not-the-metrics-token-at-all')).status).toBe(401);
    const withToken = await scrape(a.url, TOKEN);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // B has no token and listens on loopback: open.
    expect((await scrape(b.url)).status).toBe(200);
  });

  it('counts a message from a peer it does not know under partner "unknown", with our ERROR by errorType', async () => {
    const agency = (value: string) => ({ agencyIdType: { value: 'ISIL' }, agencyIdValue: value });
    const stranger: Request = {
      kind: 'request',
      header: { supplyingAgencyId: agency('DK-A'), requestingAgencyId: agency('XX-STRANGER-4711'), timestamp: new Date().toISOString(), requestingAgencyRequestId: 'stranger-1' },
      bibliographicInfo: { title: 'Solaris' },
      serviceInfo: { serviceType: 'Loan' },
    };
    const res = await fetch(`${a.url}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: buildIso18626(stranger) });
    expect(await res.text()).toContain('UnrecognisedDataValue');
    const atA = await metricsOfA();
    expect(valueOf(atA, 'ill_iso18626_messages_total', { direction: 'in', partner: 'unknown', message_type: 'request', status: 'rejected' })).toBe(1);
    expect(valueOf(atA, 'ill_iso18626_confirmation_errors_total', { direction: 'in', partner: 'unknown', error_type: 'UnrecognisedDataValue' })).toBe(1);
  });

  it('counts deliveries that do not reach a partner by partner and kind, while the outbox retries', async () => {
    await borrow(['ISIL:DK-GONE']);
    // A failed attempt is counted as it fails, and its job's duration once the job has ended,
    // a moment later: wait for both of the second attempt.
    await eventually(async () => {
      const atA = await metricsOfA();
      return (
        valueOf(atA, 'ill_delivery_failures_total', { partner: 'ISIL:DK-GONE', kind: 'connection' }) >= 2 &&
        valueOf(atA, 'ill_job_duration_seconds_count', { job: 'iso18626.send', outcome: 'failed' }) >= 2
      );
    }, 30_000);
    const atA = await metricsOfA();
    expect(valueOf(atA, 'ill_iso18626_messages_total', { direction: 'out', partner: 'ISIL:DK-GONE', status: 'failed' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(atA, 'ill_requests', { library: 'ISIL:DK-A', role: 'requester', state: 'sent_to_supplier' })).toBe(1);
  });

  it('counts NCIP calls out to the ILS and in from it by service and outcome, and patron mail skipped by reason', async () => {
    ils = await startMockIls({ agencyId: 'DK-A-ILS', users: [{ id: 'P-88', surname: 'Without-Mail' }] });
    await changeLibrarySettings(a, 'ISIL:DK-A', { ncip: { url: ils.url, fromAgencyId: 'DK-A', toAgencyId: 'DK-A-ILS', timeoutMs: 2000 } });
    // The ILS vouches for the patron (LookupUser), who has no e-mail address there either.
    const created = await borrow(['ISIL:DK-B1'], { id: 'P-88' });
    await waitForState(a, created.id, 'sent_to_supplier');
    const lookupVersion = buildNcip({ messageType: 'LookupVersion', fromAgencyId: { value: 'DK-A-ILS' }, toAgencyId: { value: 'DK-A' } });
    expect((await fetch(`${a.url}/ncip`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: lookupVersion })).status).toBe(200);
    await eventually(async () => valueOf(await metricsOfA(), 'ill_patron_mails_skipped_total', { notice: 'request_received', reason: 'no_address' }) === 1, 30_000);
    const atA = await metricsOfA();
    expect(valueOf(atA, 'ill_ncip_calls_total', { direction: 'out', service: 'LookupUser', outcome: 'ok' })).toBe(1);
    expect(valueOf(atA, 'ill_ncip_calls_total', { direction: 'in', service: 'LookupVersion', outcome: 'answered' })).toBe(1);
    expect(valueOf(atA, 'ill_job_duration_seconds_count', { job: 'ncip.call', outcome: 'done' })).toBe(1);
  });

  it('keeps every label value bounded: no request ids, no patron data, partners by directory symbol', async () => {
    const known = new Set(['ISIL:DK-A', 'ISIL:DK-B1', 'ISIL:DK-GONE', 'unknown']);
    for (const samples of [await metricsOfA(), await metricsOfB()]) {
      const values = samples.flatMap((s: Sample) => Object.values(s.labels));
      expect(values.filter((v) => UUID.test(v))).toEqual([]);
      expect(values.filter((v) => [PATRON.id, PATRON.name, PATRON.email, 'P-88', 'Without-Mail', 'The Dispossessed', 'stranger-1', 'XX-STRANGER-4711'].some((p) => v.includes(p)))).toEqual([]);
      const peers = samples.flatMap((s) => [s.labels.partner, s.labels.lender, s.labels.library].filter((v): v is string => v !== undefined));
      expect(peers.filter((p) => !known.has(p))).toEqual([]);
    }
  });
});
