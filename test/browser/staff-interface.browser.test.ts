/**
 * The staff interface in a real Chromium, against two whole servers on loopback: A serves the
 * borrowing library ISIL:DK-A, B the lending libraries ISIL:DK-B1 and ISIL:DK-B2. Staff of each
 * work in their own browser (their own cookies); everything between the servers is ISO 18626.
 *
 * It reads as the day of an interlending desk: the first administrator claims a fresh server
 * with the code from its start-up log, staff sign in and out, a whole loan is run from the two
 * interfaces alone (with the queues' counts checked at each step and the other side's changes
 * arriving without a reload), the scan box opens a returned item, a stale page resolves its
 * 409, another library's request stays out of reach, a cross-site POST is refused, and every
 * main screen passes axe-core without serious or critical violations.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pino from 'pino';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApiKey } from '../../src/services/access/api-keys';
import { eq } from 'drizzle-orm';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { performStaffAction } from '../../src/services/staff/actions';
import { requests } from '../../src/store/schema';
import { lenderRequest, stateOf } from '../helpers/e2e';
import { act, expectQueueCount, expectState, launchBrowser, openQueues, PASSWORD, makeUser, queueCount, signIn, seriousViolations } from '../helpers/browser';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';
import { getRequest } from '../../src/store/requests';

jest.setTimeout(180_000);

/** Everything the instance logs, as parsed lines (the setup code is printed there). */
function capturedLog(): { readonly logger: pino.Logger; readonly lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function adminKey(instance: Instance): Promise<string> {
  return (await createApiKey(instance.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '');
}

/** Another member of staff, acting through the API's use case while a page is open. */
function actAsColleague(instance: Instance, id: string, action: string): Promise<unknown> {
  return performStaffAction(instance.service.lifecycle, id, { action }, 'staff:colleague');
}

describe('the staff interface', () => {
  let a: Instance;
  let b: Instance;
  let browser: Browser;
  let borrowerContext: BrowserContext;
  let lenderContext: BrowserContext;
  let borrower: Page;
  let lender: Page;
  const log = capturedLog();

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('ui-a', ['ISIL:DK-A'], {}, { log: log.logger }), startInstance('ui-b', ['ISIL:DK-B1', 'ISIL:DK-B2'])]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender one', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
    // The lender's loans last four weeks: shipping without a due date takes that.
    await changeLibrarySettings(b, 'ISIL:DK-B1', { lending: { loanPeriodDays: 28 } });
    browser = await launchBrowser();
    borrowerContext = await browser.newContext();
    lenderContext = await browser.newContext();
    borrower = await borrowerContext.newPage();
    lender = await lenderContext.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it('lets the first administrator claim a fresh server only with the code from its start-up log', async () => {
    await borrower.goto(`${a.url}/`);
    await borrower.waitForURL(/\/setup/);
    const code = log.lines.map((l) => /setup code (\S+)/.exec(String(l.msg))?.[1]).find((c) => c !== undefined);
    expect(code).toBeDefined();

    const fill = async (theCode: string) => {
      await borrower.getByLabel('Setup code').fill(theCode);
      await borrower.getByLabel('Username').fill('ada');
      await borrower.getByLabel('Display name').fill('Ada Admin');
      await borrower.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await borrower.getByLabel('Password again').fill(PASSWORD);
      await borrower.getByRole('button', { name: 'Create administrator and sign in' }).click();
    };
    await fill('not-the-code');
    await borrower.getByRole('alert').waitFor();
    await fill(code!);
    await borrower.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await seriousViolations(borrower)).toEqual([]);
  });

  it('signs a person in and out', async () => {
    const key = await adminKey(a);
    await makeUser(a, key, { username: 'bo', displayName: 'Bo Borrower', role: 'staff', library: 'ISIL:DK-A' });
    await borrower.getByRole('button', { name: 'Sign out' }).click();
    await borrower.waitForURL(/\/sign-in/);
    expect(await seriousViolations(borrower)).toEqual([]);
    await signIn(borrower, a, 'bo');
    expect(await borrower.getByText('Bo Borrower').count()).toBeGreaterThan(0);
  });

  it('runs a whole loan from the two interfaces, the queues counting along and the other side’s changes arriving live', async () => {
    const bKey = await adminKey(b);
    await makeUser(b, bKey, { username: 'lis', displayName: 'Lis Lender', role: 'staff', library: 'ISIL:DK-B1' });
    await signIn(lender, b, 'lis');
    // Each desk keeps its queue screen open in a second tab all along: it is never reloaded.
    const borrowerQueues = await borrowerContext.newPage();
    const lenderQueues = await lenderContext.newPage();
    await openQueues(borrowerQueues, a);
    await openQueues(lenderQueues, b);
    expect(await queueCount(lenderQueues, 'New requests to answer')).toBe(0);
    expect(await queueCount(borrowerQueues, 'Waiting for a lender')).toBe(0);

    // The borrower fills in the form; the preview says who will be asked before anything is sent.
    await borrower.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
    await borrower.getByLabel(/^Title/).fill('The Dispossessed');
    await borrower.getByLabel('Author', { exact: true }).fill('Le Guin, Ursula K.');
    await borrower.getByLabel('ISBN').fill('9780060512750');
    await borrower.getByLabel(/^Patron id/).fill('P-77');
    await borrower.getByLabel('Patron name').fill('Shevek');
    await borrower.getByLabel(/^Lenders/).fill('ISIL:DK-B1');
    await borrower.getByText('1 lender will be asked: ISIL:DK-B1; 0 skipped.').waitFor();
    expect(await seriousViolations(borrower)).toEqual([]);
    await borrower.getByRole('button', { name: 'Create request' }).click();
    await borrower.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const borrowingId = borrower.url().split('/').pop()!;
    await expectState(borrower, 'Waiting for the lender to answer');
    expect(await seriousViolations(borrower)).toEqual([]);
    await expectQueueCount(borrowerQueues, 'Waiting for a lender', 1);

    // The lender's queue counts the new request by itself; its list leads to the request.
    await expectQueueCount(lenderQueues, 'New requests to answer', 1);
    expect(await seriousViolations(lenderQueues)).toEqual([]);
    const lending = await lenderRequest(b, (await getRequest(a.service.runtime.database.db, borrowingId))!, 'ISIL:DK-B1');
    await lender.goto(`${b.url}/`);
    await lender.getByRole('link', { name: /^New requests to answer/ }).click();
    await lender.getByRole('link', { name: 'The Dispossessed' }).waitFor();
    expect(await seriousViolations(lender)).toEqual([]);
    await lender.getByRole('link', { name: 'The Dispossessed' }).click();
    await lender.waitForURL(new RegExp(`/requests/${lending.id}$`));
    expect(await seriousViolations(lender)).toEqual([]);

    // The borrower keeps its request page open: each of the lender's steps arrives by itself.
    await act(lender, 'Will supply', 'Will supply: to pull from the shelf');
    await expectState(borrower, 'Lender will supply');
    await expectQueueCount(lenderQueues, 'To pull', 1);
    await expectQueueCount(borrowerQueues, 'Will supply', 1);
    await act(lender, 'Mark pulled', 'Pulled, to ship');
    await expectQueueCount(lenderQueues, 'To ship', 1);
    await lender.getByRole('button', { name: 'Ship', exact: true }).click();
    await lender.getByLabel('Item barcode').fill('39015001234567');
    expect(await seriousViolations(lender)).toEqual([]);
    await lender.getByRole('button', { name: 'Confirm: Ship' }).click();
    await expectState(lender, 'On loan to the borrower');
    await expectState(borrower, 'In transit to us');
    await expectQueueCount(lenderQueues, 'On loan', 1);
    await expectQueueCount(borrowerQueues, 'In transit to us', 1);

    // The borrower works from its queue: receive, lend to the patron, take back, ship home.
    await openQueues(borrower, a);
    await borrower.getByRole('link', { name: /^In transit to us/ }).click();
    await borrower.getByRole('link', { name: 'The Dispossessed' }).click();
    await act(borrower, 'Receive', 'Received, to give to the patron');
    await expectQueueCount(borrowerQueues, 'To give to the patron', 1);
    await act(borrower, 'Check out to patron', 'On loan to the patron');
    await expectQueueCount(borrowerQueues, 'On loan to the patron', 1);
    await act(borrower, 'Returned by patron', 'Returned by the patron, to ship back');
    await expectQueueCount(borrowerQueues, 'Returned by the patron, to ship back', 1);
    await act(borrower, 'Ship back', 'Shipped back to the lender');
    await expectQueueCount(lenderQueues, 'Returned, to check in', 1);

    // The item comes back: the lender scans its barcode, the page opens with Check in focused,
    // and Enter takes it, as with a scanner at the desk.
    await lender.getByRole('searchbox', { name: 'Scan or type a request id or barcode' }).fill('39015001234567');
    await lender.keyboard.press('Enter');
    await lender.waitForURL(new RegExp(`/requests/${lending.id}`));
    await eventually(async () => (await focusedText(lender)).includes('Check in'), 10_000);
    await lender.keyboard.press('Enter');
    await expectState(lender, 'Checked in');
    await act(lender, 'Complete', 'Complete');
    await expectState(borrower, 'Complete');
    expect(await stateOf(a, borrowingId)).toBe('complete');
    expect(await stateOf(b, lending.id)).toBe('complete');
    await expectQueueCount(lenderQueues, 'Returned, to check in', 0);
    await expectQueueCount(borrowerQueues, 'Waiting for a lender', 0);

    // Each side's timeline names the person who acted, not a key.
    await borrower.getByText('by Bo Borrower').first().waitFor();
    await lender.getByText('by Lis Lender').first().waitFor();
    await Promise.all([borrowerQueues.close(), lenderQueues.close()]);
  });

  it('shows a page that went stale what changed, and redoes the action on the request as it is now', async () => {
    const borrowing = await createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({ serviceType: 'Loan', bibliographic: { title: 'A Wizard of Earthsea' }, patron: { id: 'P-78' }, candidates: [{ symbol: 'ISIL:DK-B1' }] }),
      'staff:test',
      { channel: 'staff' },
    );
    const lending = await lenderRequest(b, borrowing, 'ISIL:DK-B1');
    await actAsColleague(b, lending.id, 'will_supply');
    // This tab hears no live events, so it keeps showing the request as it was read. (Tabs of one
    // browser share one event stream: this one is in a browser of its own, with the lender's cookie.)
    const staleBrowser = await browser.newContext({ storageState: await lenderContext.storageState() });
    const stale = await staleBrowser.newPage();
    await stale.route('**/api/v1/events', (route) => route.abort());
    await stale.goto(`${b.url}/requests/${lending.id}`);
    await expectState(stale, 'Will supply: to pull from the shelf');
    await actAsColleague(b, lending.id, 'mark_picked');

    await stale.getByRole('button', { name: 'Ship', exact: true }).click();
    await stale.getByRole('button', { name: 'Confirm: Ship' }).click();
    const notice = stale.getByRole('alert').filter({ hasText: 'Someone changed this request while you were looking' });
    await notice.waitFor();
    expect(await seriousViolations(stale)).toEqual([]);
    await notice.getByRole('button', { name: 'Ship again' }).click();
    await expectState(stale, 'On loan to the borrower');
    expect(await stateOf(b, lending.id)).toBe('shipped');
    await staleBrowser.close();
  });

  it('keeps another library’s request out of reach, even by its URL', async () => {
    const bKey = await adminKey(b);
    await makeUser(b, bKey, { username: 'otto', displayName: 'Otto Other', role: 'staff', library: 'ISIL:DK-B2' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, b, 'otto');
    const [lending] = await b.service.runtime.database.db.select().from(requests).where(eq(requests.supplyingAgencyId, 'ISIL:DK-B1')).limit(1);
    await page.goto(`${b.url}/requests/${lending!.id}`);
    await page.getByText('Request not found').waitFor();
    expect(await page.getByText(lending!.requestingAgencyRequestId).count()).toBe(0);
    const status = await page.evaluate(async (id) => (await fetch(`/api/v1/requests/${id}`)).status, lending!.id);
    expect(status).toBe(404);
    await context.close();
  });

  it('refuses a change sent with the session cookie from another site', async () => {
    // The borrower is signed in at A. A page served by someone else on the same host (another
    // port: the same site, so the browser still sends A's cookie, SameSite or not) posts a form
    // that would sign the borrower out everywhere.
    const target = `${a.url}/api/v1/session/sign-out-everywhere`;
    const attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html lang="en"><title>Win a prize</title><form method="post" action="${target}"><button>Claim</button></form></html>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const page = await borrowerContext.newPage();
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const answered = page.waitForResponse((res) => res.url() === target);
      await page.getByRole('button', { name: 'Claim' }).click();
      expect((await answered).status()).toBe(403);
      // The refusal is shown as a page: let that navigation finish before closing the tab
      // (Chromium can hang a close that arrives while the navigation is still committing).
      await page.waitForURL(target);
      await page.close();
    } finally {
      attacker.close();
    }
    // Still signed in at A.
    await openQueues(borrower, a);
    expect(await borrower.getByText('Bo Borrower').count()).toBeGreaterThan(0);
  });

  it('passes axe-core on the queue list, search and account screens', async () => {
    for (const path of ['/queues/borrowing.waiting', '/search?q=earthsea', '/account', '/requests/new']) {
      await borrower.goto(`${a.url}${path}`);
      await borrower.getByRole('heading', { level: 1 }).waitFor();
      await borrower.waitForLoadState('networkidle');
      expect({ path, violations: await seriousViolations(borrower) }).toEqual({ path, violations: [] });
    }
  });
});
