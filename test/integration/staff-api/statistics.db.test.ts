/**
 * The statistics through GET /statistics, on histories whose every figure is known: requests
 * that went through several lenders (Unfilled, no answer in time), renewals granted and refused,
 * an overdue and recalled loan, cancellations on both sides, a copy, a retry offer, and a
 * request that began before the period. June 2026 is the period.
 */
import request from 'supertest';
import { partnerPerformance } from '../../../src/statistics/partner-performance';
import type { StatisticsReport } from '../../../src/statistics/report';
import { supplierAttempts } from '../../../src/store/statistics';
import { Borrowing, insertHistories, Lending } from '../../helpers/histories';
import { LIBRARY_A, LIBRARY_B, startStaffApi, type StaffApi } from '../../helpers/staff-api';

const at = (when: string) => new Date(`2026-${when.replace(' ', 'T')}:00Z`);
const HOUR = 3600;
const L1 = 'ISIL:DK-L1';
const L2 = 'ISIL:DK-L2';
const L3 = 'ISIL:DK-L3';
const P2 = 'ISIL:DK-P2';
const JUNE = { from: '2026-06-01', to: '2026-06-30' };

/** The report as JSON carries it. */
type Report = Omit<StatisticsReport, 'from' | 'to'> & { readonly from: string; readonly to: string; readonly preset: string | null };

describe('statistics from the audit trail', () => {
  let api: StaffApi;

  beforeAll(async () => {
    api = await startStaffApi({ now: () => at('07-15 12:00') });
    const a = { libraryId: api.libraryIds.a, library: LIBRARY_A };
    const borrow = (start: string, rota: string[], extra: { serviceType?: 'Copy'; format?: string } = {}) => new Borrowing({ ...a, ...extra, at: at(start) }, rota);
    const lend = (start: string, from: string) => new Lending({ ...a, at: at(start) }, from);
    await insertHistories(api.database.db, [
      // Three lenders: NotHeld, then silence for a week, then the third ships; renewed once.
      borrow('06-01 00:00', [L1, L2, L3], { format: 'Book' })
        .unfilled('NotHeld', at('06-01 02:00'))
        .noAnswer(at('06-08 02:00'))
        .willSupply(at('06-08 03:00'))
        .loaned(at('06-09 03:00'))
        .received(at('06-11 03:00'))
        .checkedOut(at('06-11 05:00'))
        .renew(at('06-20 00:00'))
        .renewed(at('06-21 00:00'))
        .returned(at('06-28 03:00'))
        .completed(at('07-01 00:00'))
        .history(),
      // Shipped at once, then overdue, recalled, returned.
      borrow('06-02 00:00', [L1], { format: 'Book' })
        .requestReceived(at('06-02 01:00'))
        .loaned(at('06-03 00:00'))
        .received(at('06-05 00:00'))
        .overdue(at('06-25 00:00'))
        .recalled(at('06-26 00:00'))
        .returned(at('06-27 00:00'))
        .history(),
      // Cancelled by us while the first lender had it.
      borrow('06-03 00:00', [L2, L1], { format: 'Book' }).cancel(at('06-04 00:00')).cancelled(at('06-04 01:00')).history(),
      // A copy, delivered the same day.
      borrow('06-05 00:00', [L1], { serviceType: 'Copy', format: 'Article' }).copyDelivered(at('06-05 12:00')).history(),
      // Begun in May, ended unfilled in June.
      borrow('05-20 00:00', [L1, L2], { format: 'Book' }).unfilled('NotAvailableForILL', at('05-21 00:00')).unfilled('NotHeld', at('06-10 00:00')).history(),
      // Still with its second lender, which only said it got it.
      borrow('06-29 00:00', [L2], { format: 'Book' }).requestReceived(at('06-29 06:00')).history(),
      // Lending: L1 borrows from us too.
      lend('06-01 00:00', L1).willSupply(at('06-01 04:00')).ship(at('06-02 00:00')).renewAsked(at('06-10 00:00')).approveRenewal(at('06-10 01:00')).returned(at('06-20 00:00')).checkIn(at('06-22 00:00')).complete(at('06-22 00:01')).history(),
      lend('06-03 00:00', L1).cannotSupply('NotAvailableForILL', at('06-03 02:00')).history(),
      lend('06-04 00:00', P2).ship(at('06-04 06:00')).markOverdue(at('06-25 00:00')).renewAsked(at('06-26 00:00')).refuseRenewal(at('06-26 02:00')).history(),
      lend('06-05 00:00', P2).offerRetry('CostExceedsMaxCost', at('06-05 01:00')).history(),
      lend('06-06 00:00', P2).cancelAsked(at('06-06 01:00')).acceptCancel(at('06-06 02:00')).history(),
      // Library B's own request: not A's figures.
      new Borrowing({ libraryId: api.libraryIds.b, library: LIBRARY_B, at: at('06-02 00:00') }, [L1]).loaned(at('06-02 10:00')).history(),
    ]);
  });

  afterAll(async () => {
    await api.database.close();
  });

  const statistics = (query: Record<string, string>, key = api.keys.staffA) => request(api.app).get('/api/v1/statistics').query(query).set('Authorization', key);

  describe('borrowing', () => {
    let body: Report;
    beforeAll(async () => {
      const res = await statistics({ role: 'borrowing', ...JUNE });
      expect(res.status).toBe(200);
      body = res.body as Report;
    });

    it('counts what was created, filled, unfilled and cancelled in the period; the fill rate leaves cancellations out', () => {
      expect(body).toMatchObject({ role: 'borrowing', library: LIBRARY_A, from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' });
      expect(body.totals).toEqual({ created: 5, filled: 3, unfilled: 1, cancelled: 1, fillRate: 0.75 });
      expect(body.byServiceType).toEqual([
        { serviceType: 'Copy', created: 1, filled: 1, unfilled: 0, cancelled: 0, fillRate: 1 },
        { serviceType: 'Loan', created: 4, filled: 2, unfilled: 1, cancelled: 1, fillRate: 2 / 3 },
      ]);
      expect(body.byFormat.map((f) => [f.format, f.created])).toEqual([
        ['Article', 1],
        ['Book', 4],
      ]);
    });

    it('counts every lender a request went through as one attempt of its own', () => {
      const byPartner = Object.fromEntries(body.partners.map((p) => [p.partner, p]));
      expect(byPartner[L1]).toEqual({ partner: L1, asked: 3, filled: 2, unfilled: 1, fillRate: 2 / 3, open: 0, answerSeconds: { count: 3, p50: 12 * HOUR, p90: 21.6 * HOUR }, shipSeconds: { count: 2, p50: 18 * HOUR, p90: 22.8 * HOUR } });
      // No answer in time counts against it; a cancelled attempt counts neither way; RequestReceived is no answer.
      expect(byPartner[L2]).toEqual({ partner: L2, asked: 3, filled: 0, unfilled: 2, fillRate: 0, open: 1, answerSeconds: { count: 2, p50: 252.5 * HOUR, p90: 434.5 * HOUR }, shipSeconds: { count: 0, p50: null, p90: null } });
      expect(byPartner[L3]).toEqual({ partner: L3, asked: 1, filled: 1, unfilled: 0, fillRate: 1, open: 0, answerSeconds: { count: 1, p50: HOUR, p90: HOUR }, shipSeconds: { count: 1, p50: 25 * HOUR, p90: 25 * HOUR } });
    });

    it('gives the turnaround percentiles of the intervals that ended in the period', () => {
      const t = Object.fromEntries(body.turnaround.map((r) => [r.interval, r]));
      expect(t.requestToAnswer).toEqual({ interval: 'requestToAnswer', count: 4, p50: 18 * HOUR, p90: 24.7 * HOUR });
      expect(t.requestToShipped).toMatchObject({ count: 3, p50: 24 * HOUR });
      expect(t.shippedToReceived).toMatchObject({ count: 2, p50: 48 * HOUR, p90: 48 * HOUR });
      expect(t.requestToReceived).toMatchObject({ count: 2, p50: 157.5 * HOUR });
      expect(t.loanLength).toMatchObject({ count: 2, p50: 516 * HOUR });
    });

    it('counts renewals, overdues and recalls, and why lenders said no', () => {
      expect(body.circulation).toEqual({ renewalsAsked: 1, renewalsGranted: 1, renewalsRefused: 0, overdues: 1, recalls: 1 });
      expect(body.unfilledReasons).toEqual([
        { reason: 'NotHeld', count: 2 },
        { reason: 'no answer in time', count: 1 },
      ]);
    });

    it('weighs what each partner lent us against what we lent it', () => {
      expect(body.reciprocity).toEqual([
        { partner: L1, borrowed: 2, lent: 1, balance: -1 },
        { partner: L2, borrowed: 0, lent: 0, balance: 0 },
        { partner: L3, borrowed: 1, lent: 0, balance: -1 },
        { partner: P2, borrowed: 0, lent: 1, balance: 1 },
      ]);
    });

    it('gives the months of the period for the charts', () => {
      expect(body.months).toEqual([{ month: '2026-06-01', created: 5, filled: 3, unfilled: 1, cancelled: 1, fillRate: 0.75, shipP50: 24 * HOUR }]);
    });

    it('gives a routing strategy the same per-partner figures from the attempts', async () => {
      const window = { from: at('06-01 00:00'), to: at('07-01 00:00') };
      const measured = partnerPerformance(await supplierAttempts(api.database.db, { libraryId: api.libraryIds.a }, window), window);
      expect(measured).toEqual(body.partners.map(({ partner, ...p }) => ({ supplier: partner, ...p })));
    });
  });

  describe('lending', () => {
    let body: Report;
    beforeAll(async () => {
      const res = await statistics({ role: 'lending', ...JUNE });
      expect(res.status).toBe(200);
      body = res.body as Report;
    });

    it('counts a retry offer as unfilled and a cancellation as neither', () => {
      expect(body.totals).toEqual({ created: 5, filled: 2, unfilled: 2, cancelled: 1, fillRate: 0.5 });
      expect(body.unfilledReasons).toEqual([
        { reason: 'NotAvailableForILL', count: 1 },
        { reason: 'RetryPossible (CostExceedsMaxCost)', count: 1 },
      ]);
    });

    it('measures from the request received to our answer and to shipping, per requesting library', () => {
      const t = Object.fromEntries(body.turnaround.map((r) => [r.interval, r]));
      expect(t.requestToAnswer).toMatchObject({ count: 4, p50: 3 * HOUR });
      expect(t.receivedToShipped).toMatchObject({ count: 2, p50: 15 * HOUR });
      expect(t.loanLength).toMatchObject({ count: 1, p50: 432 * HOUR });
      expect(body.partners).toEqual([
        { partner: L1, asked: 2, filled: 1, unfilled: 1, fillRate: 0.5, open: 0, answerSeconds: { count: 2, p50: 3 * HOUR, p90: 3.8 * HOUR }, shipSeconds: { count: 1, p50: 24 * HOUR, p90: 24 * HOUR } },
        { partner: P2, asked: 3, filled: 1, unfilled: 1, fillRate: 0.5, open: 0, answerSeconds: { count: 2, p50: 3.5 * HOUR, p90: 5.5 * HOUR }, shipSeconds: { count: 1, p50: 6 * HOUR, p90: 6 * HOUR } },
      ]);
      expect(body.circulation).toEqual({ renewalsAsked: 2, renewalsGranted: 1, renewalsRefused: 1, overdues: 1, recalls: 0 });
    });
  });

  describe('scope and periods', () => {
    it('shows a library its own requests, and every library to a key for all of them', async () => {
      const b = await statistics({ ...JUNE }, api.keys.staffB);
      expect(b.body).toMatchObject({ library: LIBRARY_B, totals: { created: 1, filled: 1 } });
      const all = await statistics({ ...JUNE }, api.keys.readOnly);
      expect(all.body).toMatchObject({ library: null, totals: { created: 6, filled: 4 } });
      const named = await statistics({ ...JUNE, library: LIBRARY_B }, api.keys.admin);
      expect(named.body).toMatchObject({ library: LIBRARY_B, totals: { created: 1 } });
    });

    it('refuses another library’s figures, and an unknown library', async () => {
      const other = await statistics({ ...JUNE, library: LIBRARY_B });
      expect(other.status).toBe(403);
      expect(other.type).toBe('application/problem+json');
      const unknown = await statistics({ ...JUNE, library: 'ISIL:XX-1' }, api.keys.admin);
      expect(unknown.status).toBe(400);
    });

    it('takes the presets, counted from now', async () => {
      const last = await statistics({ period: 'last-month' });
      expect(last.body).toMatchObject({ from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z', preset: 'last-month', totals: { created: 5 } });
      const year = await statistics({ period: 'last-12-months' });
      expect(year.body).toMatchObject({ from: '2025-07-01T00:00:00.000Z', to: '2026-07-15T12:00:00.000Z' });
      expect(year.body.months).toHaveLength(13);
      expect(year.body.totals).toMatchObject({ created: 6, filled: 3, unfilled: 1, cancelled: 1 });
    });

    it('refuses a period that ends before it begins, or has one end only', async () => {
      expect((await statistics({ from: '2026-06-10', to: '2026-06-01' })).status).toBe(400);
      expect((await statistics({ from: '2026-06-10' })).status).toBe(400);
    });
  });

  describe('CSV', () => {
    it('gives every table as CSV, by link or by Accept', async () => {
      const res = await request(api.app).get('/api/v1/statistics/export.csv').query({ ...JUNE, table: 'partners' }).set('Authorization', api.keys.staffA);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/csv');
      expect(res.headers['content-disposition']).toBe('attachment; filename="statistics-borrowing-partners-2026-06-01-2026-07-01.csv"');
      const lines = res.text.replace('\uFEFF', '').trimEnd().split('\r\n');
      expect(lines[0]).toBe('Partner,Asked,Filled,Unfilled,Fill rate,Open,Answers,Median answer (hours),90th percentile answer (hours),Shipped,Median to ship (hours),90th percentile to ship (hours)');
      expect(lines[1]).toBe(`${L1},3,2,1,0.667,0,3,12,21.6,2,18,22.8`);
      const accepted = await statistics({ ...JUNE, role: 'lending', table: 'reciprocity' }).set('Accept', 'text/csv');
      expect(accepted.type).toBe('text/csv');
      expect(accepted.text).toContain(`${P2},0,1,1\r\n`);
      for (const table of ['volumes', 'service-types', 'formats', 'turnaround', 'circulation', 'unfilled-reasons', 'months']) {
        const csv = await request(api.app).get('/api/v1/statistics/export.csv').query({ ...JUNE, table }).set('Authorization', api.keys.staffA);
        expect(csv.status).toBe(200);
        expect(csv.text.split('\r\n').length).toBeGreaterThan(2);
      }
    });
  });
});
