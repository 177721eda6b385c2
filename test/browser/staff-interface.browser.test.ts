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
import { Writable } from 'node:stream';
import { createApiKey } from '../../src/services/access/api-keys';
import { lenderRequest, stateOf, waitForState } from '../helpers/e2e';
import { launchBrowser, seriousViolations } from '../helpers/browser';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';
import { getRequest } from '../../src/store/requests';

jest.setTimeout(180_000);

const PASSWORD = 'correct horse battery staple';

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

async function makeUser(instance: Instance, key: string, user: { username: string; displayName: string; role: string; library?: string }): Promise<void> {
  const res = await fetch(`${instance.url}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`POST /users answered ${res.status}: ${await res.text()}`);
}

async function signIn(page: Page, instance: Instance, username: string): Promise<void> {
  await page.goto(`${instance.url}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** The count shown on the queue screen for the queue named `name`. */
async function queueCount(page: Page, name: string): Promise<number> {
  const link = page.getByRole('link', { name: new RegExp(`^${name}\\b`) });
  const text = (await link.textContent()) ?? '';
  const match = /(\d+)\s*$/.exec(text.trim());
  if (!match) throw new Error(`no count in the queue link "${text}"`);
  return Number(match[1]);
}

/** Waits until the queue screen (already open, never reloaded) shows `expected` for the queue. */
async function expectQueueCount(page: Page, name: string, expected: number): Promise<void> {
  await eventually(async () => (await queueCount(page, name)) === expected, 30_000).catch(async () => {
    throw new Error(`queue "${name}" shows ${await queueCount(page, name)}, expected ${expected}`);
  });
}

async function openQueues(page: Page, instance: Instance): Promise<void> {
  await page.goto(`${instance.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Clicks the action's button on the open request page and waits until the page shows the new state. */
async function act(page: Page, action: string, stateText: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: action, exact: true }).click();
  await page.getByText(stateText).first().waitFor();
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
    expect(await queueCount(lender, 'New requests to answer')).toBe(0);

    // The borrower fills in the form; the preview says who will be asked before anything is sent.
    await borrower.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
    await borrower.getByLabel(/^Title/).fill('The Dispossessed');
    await borrower.getByLabel('Author', { exact: true }).fill('Le Guin, Ursula K.');
    await borrower.getByLabel('ISBN').fill('9780060512750');
    await borrower.getByLabel(/^Patron id/).fill('P-77');
    await borrower.getByLabel('Patron name').fill('Shevek');
    await borrower.getByLabel(/^Lenders/).fill('ISIL:DK-B1');
    // The preview, before anything is sent: who will be asked first.
    await borrower.getByText('1 lender will be asked: ISIL:DK-B1; 0 skipped.').waitFor();
    expect(await seriousViolations(borrower)).toEqual([]);
    await borrower.getByRole('button', { name: 'Create request' }).click();
    await borrower.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const borrowingId = borrower.url().split('/').pop()!;
    await waitForState(a, borrowingId, 'sent_to_supplier');
    await borrower.getByText('Waiting for the lender to answer').first().waitFor();
    expect(await seriousViolations(borrower)).toEqual([]);

    // The lender's queue screen, open all along, counts the new request without a reload.
    await expectQueueCount(lender, 'New requests to answer', 1);
    expect(await seriousViolations(lender)).toEqual([]);
    const lending = await lenderRequest(b, (await getRequest(a.service.runtime.database.db, borrowingId))!, 'ISIL:DK-B1');
    await lender.getByRole('link', { name: /^New requests to answer/ }).click();
    expect(await seriousViolations(lender)).toEqual([]);
    await lender.getByRole('link', { name: 'The Dispossessed' }).click();
    await lender.waitForURL(new RegExp(`/requests/${lending.id}$`));

    // The borrower keeps its request page open: each of the lender's steps arrives by itself.
    await act(lender, 'Will supply', 'Will supply: to pull from the shelf');
    await borrower.getByText('Lender will supply').first().waitFor();
    await act(lender, 'Mark pulled', 'Pulled, to ship');
    await lender.getByRole('button', { name: 'Ship', exact: true }).click();
    await lender.getByLabel('Item barcode').fill('39015001234567');
    await lender.getByRole('button', { name: 'Confirm: Ship' }).click();
    await lender.getByText('On loan to the borrower').first().waitFor();
    await borrower.getByText('In transit to us').first().waitFor();

    await openQueues(borrower, a);
    await expectQueueCount(borrower, 'In transit to us', 1);
    await borrower.getByRole('link', { name: /^In transit to us/ }).click();
    await borrower.getByRole('link', { name: 'The Dispossessed' }).click();
    await act(borrower, 'Receive', 'Received, to give to the patron');
    await act(borrower, 'Check out to patron', 'On loan to the patron');
    await act(borrower, 'Returned by patron', 'Returned by the patron, to ship back');
    await act(borrower, 'Ship back', 'Shipped back to the lender');

    // The item comes back: the lender scans its barcode, and the page opens with Check in focused.
    await openQueues(lender, b);
    await expectQueueCount(lender, 'Returned, to check in', 1);
    await lender.getByRole('searchbox', { name: 'Scan or type a request id or barcode' }).fill('39015001234567');
    await lender.keyboard.press('Enter');
    await lender.waitForURL(new RegExp(`/requests/${lending.id}`));
    await eventually(async () => (await lender.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '')).includes('Check in'), 10_000);
    await lender.keyboard.press('Enter');
    await lender.getByText('Checked in').first().waitFor();
    await act(lender, 'Complete', 'Complete');
    await waitForState(a, borrowingId, 'complete');
    await borrower.getByText('Complete').first().waitFor();
    expect(await stateOf(b, lending.id)).toBe('complete');

    // The timeline names the people who acted.
    await borrower.getByText('Bo Borrower').first().waitFor();
  });
});
