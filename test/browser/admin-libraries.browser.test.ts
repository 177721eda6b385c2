/**
 * A systems librarian sets a member library up in the browser: routing strategy and pickup
 * locations saved and shown again, the ILS test against a mock ILS, a template edited with the
 * live preview flagging a misspelt variable; a staff member sees the same screen read-only.
 */
import type { Browser } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { launchBrowser, makeUser, seriousViolations, signIn } from '../helpers/browser';
import { startInstance, type Instance } from '../helpers/instances';
import { startMockIls, type MockIls } from '../helpers/mock-ils';

jest.setTimeout(180_000);




describe('administration: member libraries in the browser', () => {
  let instance: Instance;
  let ils: MockIls;
  let browser: Browser;
  beforeAll(async () => {
    instance = await startInstance('admin-libraries', ['ISIL:DK-A']);
    ils = await startMockIls({ users: [{ id: 'P-100', givenName: 'Ada', surname: 'Lovelace' }] });
    const key = (await createApiKey(instance.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(instance, key, { username: 'ada', displayName: 'Ada Admin', role: 'admin' });
    await makeUser(instance, key, { username: 'sam', displayName: 'Sam Staff', role: 'staff', library: 'ISIL:DK-A' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ils?.close();
    await instance?.stop();
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
    await mail.getByLabel('Subject', { exact: true }).fill('Hello {{patronNmae}}');
    await mail.getByText('Did you mean {{patronName}}?').waitFor();
    await mail.getByLabel('Subject', { exact: true }).fill('Hello {{patronName}}');
    await mail.getByText('Hello Alex Reader').waitFor();
    expect(await mail.getByText('Did you mean').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a staff member sees the settings read-only', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, instance, 'sam');
    await page.goto(`${instance.url}/admin/libraries/ISIL:DK-A`);
    await page.getByText('only an administrator can change them').waitFor();
    expect(await page.getByLabel('Routing strategy').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Test the connection' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
