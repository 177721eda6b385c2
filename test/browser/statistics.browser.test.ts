/**
 * The Statistics screen in a real Chromium, on one server with two member libraries and a June
 * of known histories: a library's staff see their own figures for a period they choose, charts
 * by month with the table beside them, every table downloadable as CSV; an administrator picks
 * the library; the screen passes axe-core without serious or critical violations.
 */
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { Borrowing, insertHistories, Lending } from '../helpers/histories';
import { launchBrowser, makeUser, seriousViolations, signIn } from '../helpers/browser';
import { startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(120_000);

const at = (when: string) => new Date(`2026-${when.replace(' ', 'T')}:00Z`);
const LENDER = 'ISIL:DK-L1';

describe('the Statistics screen', () => {
  let server: Instance;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startInstance('stats-ui', ['ISIL:DK-A', 'ISIL:DK-B']);
    const { db, directory } = server.service.runtime.database;
    const a = { libraryId: (await directory.library('ISIL:DK-A'))!.id, library: 'ISIL:DK-A' };
    const b = { libraryId: (await directory.library('ISIL:DK-B'))!.id, library: 'ISIL:DK-B' };
    await insertHistories(db, [
      new Borrowing({ ...a, at: at('06-01 00:00'), format: 'Book' }, [LENDER, 'ISIL:DK-L2']).unfilled('NotHeld', at('06-01 02:00')).loaned(at('06-03 00:00')).received(at('06-05 00:00')).history(),
      new Borrowing({ ...a, at: at('06-02 00:00'), format: 'Book' }, [LENDER]).loaned(at('06-02 12:00')).history(),
      new Borrowing({ ...a, at: at('06-03 00:00'), format: 'Book' }, [LENDER]).unfilled('NotAvailableForILL', at('06-04 00:00')).history(),
      new Borrowing({ ...a, at: at('07-01 00:00'), format: 'Book' }, [LENDER]).loaned(at('07-02 00:00')).history(),
      new Lending({ ...a, at: at('06-05 00:00') }, LENDER).ship(at('06-06 00:00')).history(),
      new Borrowing({ ...b, at: at('06-01 00:00') }, [LENDER]).loaned(at('06-02 00:00')).history(),
    ]);
    const key = (await createApiKey(server.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'ada', displayName: 'Ada of A', role: 'staff', library: 'ISIL:DK-A' });
    await makeUser(server, key, { username: 'root', displayName: 'Administrator', role: 'admin' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  async function showJune(): Promise<void> {
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
    await page.getByLabel('Period', { exact: true }).selectOption('custom');
    await page.getByLabel('From (first day)').fill('2026-06-01');
    await page.getByLabel('To (last day)').fill('2026-06-30');
  }

  it('shows a library’s June: totals, lenders, charts with their table, each table as CSV', async () => {
    await signIn(page, server, 'ada');
    await showJune();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Borrowing, ISIL:DK-A: 2026-06-01 to 2026-06-30').waitFor();
    expect(page.url()).toContain('from=2026-06-01');

    const totals = page.getByRole('region', { name: 'Totals' });
    expect(await totals.getByRole('cell').allTextContents()).toEqual(['3', '2', '1', '0', '66.7 %']);
    const lenders = page.getByRole('region', { name: 'Lenders (one attempt per lender a request went to)' });
    // DK-L1 was asked three times: Unfilled twice (NotHeld, NotAvailableForILL), shipped once.
    expect(await lenders.getByRole('row', { name: /ISIL:DK-L1/ }).getByRole('cell').allTextContents()).toEqual(['3', '1', '2', '33.3 %', '0', '12 h', '12 h']);
    expect(await page.getByRole('region', { name: 'Borrowing and lending balance' }).getByRole('row', { name: /ISIL:DK-L1/ }).getByRole('cell').allTextContents()).toEqual(['1', '1', '0']);

    // The charts are images that say where their figures are; the table holds them.
    await page.getByRole('img', { name: /Requests by month\. The table “By month” below gives the same figures\./ }).waitFor();
    expect(await page.getByRole('region', { name: 'By month' }).getByRole('row', { name: /2026-06/ }).getByRole('cell').allTextContents()).toEqual(['3', '2', '1', '0', '66.7 %', '30 h']);

    const link = page.getByRole('link', { name: 'Download Top unfilled reasons as CSV' });
    const csv = await page.request.get(new URL((await link.getAttribute('href'))!, server.url).toString());
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toBe('\uFEFFReason,Count\r\nNotAvailableForILL,1\r\nNotHeld,1\r\n');

    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lets an administrator choose the library, and the lending side', async () => {
    await signIn(page, server, 'root');
    await showJune();
    await page.getByLabel('Side', { exact: true }).selectOption('lending');
    await page.getByLabel('Library', { exact: true }).selectOption('ISIL:DK-A');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Lending, ISIL:DK-A: 2026-06-01 to 2026-06-30').waitFor();
    expect(await page.getByRole('region', { name: 'Totals' }).getByRole('cell').allTextContents()).toEqual(['1', '1', '0', '0', '100 %']);
    await page.getByLabel('Library', { exact: true }).selectOption('');
    await page.getByLabel('Side', { exact: true }).selectOption('borrowing');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Borrowing, All libraries: 2026-06-01 to 2026-06-30').waitFor();
    expect(await page.getByRole('region', { name: 'Totals' }).getByRole('cell').allTextContents()).toEqual(['4', '3', '1', '0', '75 %']);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
