/**
 * A systems librarian sets a member library up in the browser: routing strategy and pickup
 * locations saved and shown again, the ILS test against a mock ILS, a template edited with the
 * live preview flagging a misspelt variable; a second library added, its lending (with a loan
 * period per requesting library) and its ILS connection (HTTP basic, a password never shown back
 * and kept by a second save) set; a staff member sees the same screen read-only.
 */
import type { Browser } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { launchBrowser, makeUser, seriousViolations, signIn } from '../helpers/browser';
import { startInstance, type Instance } from '../helpers/instances';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { eventually } from '../helpers/queues';

jest.setTimeout(180_000);

describe('administration: member libraries in the browser', () => {
  let instance: Instance;
  let ils: MockIls;
  let browser: Browser;
  let key: string;
  beforeAll(async () => {
    instance = await startInstance('admin-libraries', ['ISIL:DK-A']);
    ils = await startMockIls({ users: [{ id: 'P-100', givenName: 'Ada', surname: 'Lovelace' }] });
    key = (await createApiKey(instance.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(instance, key, { username: 'ada', displayName: 'Ada Admin', role: 'admin' });
    await makeUser(instance, key, { username: 'sam', displayName: 'Sam Staff', role: 'staff', library: 'ISIL:DK-A' });
    browser = await launchBrowser();
  });
  /** A library's settings as the staff API reads them back (secrets masked). */
  async function library(symbol: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${instance.url}/api/v1/libraries/${encodeURIComponent(symbol)}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { settings: Record<string, unknown> }).settings;
  }
  afterAll(async () => {
    await browser?.close();
    await ils?.close();
    await instance?.destroy();
  });

  it('an admin saves routing and pickup locations, tests the ILS, and previews a template with a misspelt variable', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, instance, 'ada');
    await page.goto(`${instance.url}/admin/libraries`);
    await page.getByRole('link', { name: 'ISIL:DK-A' }).click();
    await page.getByRole('heading', { name: 'Routing and broker' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const routing = page.getByRole('form', { name: 'Routing and broker' });
    await routing.getByLabel('Routing strategy').selectOption('load_balance');
    await routing.getByRole('button', { name: 'Save' }).click();
    await routing.getByText('Saved.').waitFor();

    const pickup = page.getByRole('form', { name: 'Pickup locations' });
    await pickup.getByRole('button', { name: 'Add a location' }).click();
    await pickup.getByLabel('Code').fill('MAIN');
    await pickup.getByLabel('Name').fill('Main desk');
    await pickup.getByRole('button', { name: 'Save' }).click();
    await pickup.getByText('Saved.').waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Routing and broker' }).waitFor();
    expect(await page.getByLabel('Routing strategy').inputValue()).toBe('load_balance');
    expect(await page.getByRole('form', { name: 'Pickup locations' }).getByLabel('Code').inputValue()).toBe('MAIN');

    const ncip = page.getByRole('form', { name: 'ILS connection (NCIP)' });
    await ncip.getByLabel('NCIP address').fill(ils.url);
    await ncip.getByLabel('From agency id').fill('ILL');
    await ncip.getByLabel('To agency id').fill('MAIN');
    await ncip.getByLabel('Test patron id (optional)').fill('P-100');
    await ncip.getByRole('button', { name: 'Test the connection' }).click();
    await ncip.getByText('Patron Ada Lovelace (P-100) was found and may borrow.').waitFor();
    await ncip.getByText('Raw exchange').click();
    await ncip.getByText('LookupUser request').waitFor();

    const mail = page.getByRole('form', { name: 'Patron mail' });
    // The bodies start from the default wording's sources, variables and all, not from what they render to.
    const body = mail.getByLabel('Plain-text body');
    await eventually(async () => (await body.inputValue()).startsWith('{{#if patronName}}Dear {{patronName}},{{else}}Hello,{{/if}}\n\nGood news: the lending library has sent {{item}} to us.'), 30_000);
    await mail.getByLabel('Subject', { exact: true }).fill('Hello {{patronNmae}}');
    await mail.getByText('Did you mean {{patronName}}?').waitFor();
    await mail.getByLabel('Subject', { exact: true }).fill('Hello {{patronName}}');
    await mail.getByText('Hello Alex Reader').waitFor();
    expect(await mail.getByText('Did you mean').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('an admin adds a member library, sets its lending and its ILS connection with a password that is never shown back', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, instance, 'ada');
    await page.goto(`${instance.url}/admin/libraries`);
    const create = page.getByRole('form', { name: 'Add a member library' });
    await create.getByLabel('Symbol').fill('ISIL:DK-A');
    await create.getByLabel('Name').fill('Again');
    await create.getByRole('button', { name: 'Add the library' }).click();
    await create.getByText('ISIL:DK-A is already served here').waitFor();
    await create.getByLabel('Symbol').fill('ISIL:DK-B');
    await create.getByLabel('Name').fill('Branch B');
    await create.getByRole('button', { name: 'Add the library' }).click();
    await page.getByRole('heading', { name: 'Branch B' }).waitFor();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe('/admin/libraries/ISIL:DK-B');

    // Lending: a loan period, a format it never lends, and a longer-than-allowed period for one library, refused at its row.
    const lending = page.getByRole('form', { name: 'Lending to the other member libraries' });
    await lending.getByLabel('Loan period (days)').fill('28');
    await lending.getByLabel('Formats it never lends').fill('Journal');
    await lending.getByRole('button', { name: 'Add a row' }).click();
    await lending.getByRole('textbox', { name: 'Requesting library symbol 1' }).fill('ISIL:DK-A');
    const days = lending.getByRole('textbox', { name: 'Days ISIL:DK-A' });
    await days.fill('400');
    await lending.getByRole('button', { name: 'Save' }).click();
    await lending.getByText('Some fields need a change').waitFor();
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    const refusal = await page.locator(`[id="${await days.getAttribute('aria-describedby')}"]`).textContent();
    expect(refusal).toMatch(/365/);
    await days.fill('14');
    await lending.getByRole('button', { name: 'Save' }).click();
    await lending.getByText('Saved.', { exact: true }).waitFor();
    expect((await library('ISIL:DK-B')).lending).toMatchObject({ lends: true, formats: { willNotLend: ['Journal'] }, loanPeriodDays: 28, partners: { 'ISIL:DK-A': { loanPeriodDays: 14 } } });

    // The ILS connection: HTTP basic, one step off, an account for DK-A, a time-out in seconds.
    const ncip = page.getByRole('form', { name: 'ILS connection (NCIP)' });
    await ncip.getByLabel('NCIP address').fill(ils.url);
    await ncip.getByLabel('From agency id').fill('ILL');
    await ncip.getByLabel('To agency id').fill('BRANCH');
    await ncip.getByLabel('Authentication', { exact: true }).selectOption('basic');
    await ncip.getByLabel('Username').fill('ill-b');
    const password = ncip.getByRole('group', { name: 'Password' });
    await password.getByLabel('Set a new one').check();
    await password.getByLabel('New password').fill('s3cret pass');
    await ncip.getByLabel('CheckOutItem: our item is checked out to the borrowing library before it is shipped').uncheck();
    await ncip.getByRole('button', { name: 'Add a row' }).click();
    await ncip.getByRole('textbox', { name: 'Borrowing library symbol 1' }).fill('ISIL:DK-A');
    await ncip.getByRole('textbox', { name: 'ILS account ISIL:DK-A' }).fill('ILL-DKA');
    await ncip.getByLabel('Account of any other borrowing library').fill('ILL-{agency}');
    await ncip.getByText('More settings (rarely changed)').click();
    await ncip.getByLabel('Time-out (seconds)').fill('12');
    await ncip.getByRole('button', { name: 'Save' }).click();
    await ncip.getByText('Saved.', { exact: true }).waitFor();
    await password.getByText('A secret is set.').waitFor();
    expect(await ncip.locator('input[type=password]').count()).toBe(0);
    expect(await page.content()).not.toContain('s3cret');
    const expected = {
      enabled: true,
      url: ils.url,
      fromAgencyId: 'ILL',
      toAgencyId: 'BRANCH',
      authentication: { type: 'basic', username: 'ill-b', password: '********' },
      timeoutMs: 12_000,
      steps: { lookupUser: true, acceptItem: true, checkInItem: true, deleteItem: true, cancelRequestItem: true, checkOutItem: false },
      borrowerAccounts: { 'ISIL:DK-A': 'ILL-DKA' },
      defaultBorrowerAccount: 'ILL-{agency}',
    };
    expect((await library('ISIL:DK-B')).ncip).toMatchObject(expected);
    expect(await seriousViolations(page)).toEqual([]);

    // Saved again with the password left as it is: the stored one stays, and the test connection sends it.
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/libraries/')), ncip.getByRole('button', { name: 'Save' }).click()]);
    expect((await library('ISIL:DK-B')).ncip).toMatchObject(expected);
    const stored = await instance.service.lifecycle.directory.library('ISIL:DK-B');
    expect((stored!.settings.ncip as { authentication: unknown }).authentication).toEqual({ type: 'basic', username: 'ill-b', password: 's3cret pass' });
    const callsBefore = ils.calls.length;
    await ncip.getByRole('button', { name: 'Test the connection' }).click();
    await ncip.getByText(`The ILS answered at ${ils.url}.`).waitFor();
    expect(ils.calls.slice(callsBefore).map((c) => c.headers.authorization)).toContain(`Basic ${Buffer.from('ill-b:s3cret pass').toString('base64')}`);

    // No lending rules at all: everything, to every member, and no loan period.
    await lending.getByRole('button', { name: 'Lend everything to every member, no loan period' }).click();
    await lending.getByText('Lending rules removed').waitFor();
    expect((await library('ISIL:DK-B')).lending).toBeUndefined();
    expect(await lending.getByLabel('Loan period (days)').inputValue()).toBe('');
  });

  it('an admin testing an ILS that is down is told nothing answered, and why', async () => {
    const stopped = await startMockIls();
    const url = stopped.url;
    await stopped.close();
    const page = await (await browser.newContext()).newPage();
    await signIn(page, instance, 'ada');
    await page.goto(`${instance.url}/admin/libraries/ISIL:DK-A`);
    const ncip = page.getByRole('form', { name: 'ILS connection (NCIP)' });
    await ncip.getByLabel('NCIP address').fill(url);
    await ncip.getByLabel('From agency id').fill('ILL');
    await ncip.getByLabel('To agency id').fill('MAIN');
    await ncip.getByRole('button', { name: 'Test the connection' }).click();
    await ncip.getByText(`Nothing answered at ${url}.`).waitFor();
    await ncip.getByText(/connection refused/).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a staff member sees the settings read-only', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, instance, 'sam');
    await page.goto(`${instance.url}/admin/libraries`);
    await page.getByRole('link', { name: 'ISIL:DK-A' }).waitFor();
    expect(await page.getByRole('form', { name: 'Add a member library' }).count()).toBe(0);
    await page.goto(`${instance.url}/admin/libraries/ISIL:DK-A`);
    await page.getByText('only an administrator can change them').waitFor();
    expect(await page.getByLabel('Routing strategy').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Test the connection' }).count()).toBe(0);
    expect(await page.getByLabel('Loan period (days)').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Lend everything to every member, no loan period' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
