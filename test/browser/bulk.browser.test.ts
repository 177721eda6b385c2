/**
 * A lending desk ships a day's batch at once: 50 requests waiting to be shipped, ticked across
 * two pages of the "To ship" queue, shipped with one due date from the bulk bar, each row going
 * through the same action path a single one takes, with progress and each row's result shown.
 * A request that changed meanwhile is not shipped and says so. The bar passes axe-core.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { performStaffAction } from '../../src/services/staff/actions';
import { getRequest, insertRequest } from '../../src/store/requests';
import { launchBrowser, makeUser, signIn, seriousViolations } from '../helpers/browser';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(180_000);

const LENDER = 'ISIL:DK-B1';
const BORROWER = 'ISIL:DK-A';
const COUNT = 50;


describe('bulk work in a queue', () => {
  let lender: Instance;
  let browser: Browser;
  let page: Page;
  const ids: string[] = [];

  beforeAll(async () => {
    lender = await startInstance('bulk', [LENDER]);
    // The borrower's messages go back to this server itself: the test is about the lender's desk.
    await addPartners(lender, [{ symbol: BORROWER, name: 'Borrower', at: lender }]);
    // Shipping without a due date (the colleague's single ship) takes the loan period.
    await changeLibrarySettings(lender, LENDER, { lending: { loanPeriodDays: 28 } });
    const db = lender.service.lifecycle.db;
    const first = Date.parse('2026-11-01T08:00:00Z');
    for (let i = 0; i < COUNT; i++) {
      const id = randomUUID();
      ids.push(id);
      await insertRequest(
        db,
        {
          id,
          libraryId: lender.libraryIds[LENDER]!,
          role: 'supplier',
          state: 'awaiting_shipping',
          serviceType: 'Loan',
          requestingAgencyId: BORROWER,
          requestingAgencyRequestId: `A-${i + 1}`,
          supplyingAgencyId: LENDER,
          supplyingAgencyRequestId: null,
          data: { bibliographic: { title: `Volume ${String(i + 1).padStart(2, '0')}` }, lifecycle: { serviceType: 'Loan' } },
        },
        new Date(first + i * 60_000),
      );
    }
    const key = (await createApiKey(lender.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(lender, key, { username: 'lis', displayName: 'Lis Lender', role: 'staff', library: LENDER });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signIn(page, lender, 'lis');
  });
  afterAll(async () => {
    await browser?.close();
    await lender?.destroy();
  });

  it('ships 50 requests ticked across two pages with one due date, each row’s result shown', async () => {
    await page.goto(`${lender.url}/queues/lending.to-ship`);
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByText('25 selected').waitFor();
    await page.getByRole('link', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: 'Select “Volume 26”' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByText(`${COUNT} selected`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // A colleague ships one of them from the request page meanwhile: the batch holds the version it read.
    await performStaffAction(lender.service.lifecycle, ids[0]!, { action: 'ship' }, 'staff:colleague');

    await page.getByLabel('Due date for ship').fill('2027-01-15');
    await page.getByRole('button', { name: `Ship (${COUNT})` }).click();
    const summary = page.getByRole('status').filter({ hasText: 'Ship:' });
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.textContent()).toBe(`Ship: ${COUNT - 1} done, 1 changed meanwhile, 0 refused, 0 skipped (the action is not offered in their state).`);
    expect(await page.getByRole('progressbar').getAttribute('value')).toBe(String(COUNT));
    await page.getByText('Result for each request').click();
    expect(await page.locator('.bulk-results li[data-outcome="done"]').count()).toBe(COUNT - 1);
    expect(await page.locator('.bulk-results li', { hasText: 'Volume 01' }).textContent()).toContain('changed meanwhile');
    expect(await seriousViolations(page)).toEqual([]);

    for (const id of ids) {
      const row = await getRequest(lender.service.lifecycle.db, id);
      expect([id, row?.state]).toEqual([id, 'shipped']);
    }
    // One due date for the batch (end of that day in the library's zone); the colleague's got the loan period.
    const dueDates = new Set(await Promise.all(ids.slice(1).map(async (id) => (await getRequest(lender.service.lifecycle.db, id))!.data.lifecycle.dueDate)));
    expect(dueDates.size).toBe(1);
    expect([...dueDates][0]).toMatch(/^2027-01-1[56]T/);
  });

  it('offers the whole queue as CSV, every row and not the page', async () => {
    await page.goto(`${lender.url}/queues/lending.on-loan`);
    const link = page.getByRole('link', { name: 'Download CSV (all rows)' });
    const href = await link.getAttribute('href');
    expect(href).toContain('queue=lending.on-loan');
    const text = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(text.trim().split('\r\n')).toHaveLength(COUNT + 1);
  });
});
