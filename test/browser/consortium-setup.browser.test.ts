/**
 * A systems librarian sets up a two-library consortium on a fresh server in the browser alone:
 * both member libraries, the lender's loan periods, pickup, the ILS connection (tested before it
 * is saved) and patron mail of the borrower, an outside partner, and the two libraries' staff.
 * Then the staff of the two libraries run a loan between them, each in their own interface:
 * the borrower's ILS checks the patron and takes the item in, and the due date is the lender's
 * loan period for this borrower.
 */
import type { Browser, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { createApiKey } from '../../src/services/access/api-keys';
import { endOfDay } from '../../src/services/lending/due-date';
import { getRequest } from '../../src/store/requests';
import { requests } from '../../src/store/schema';
import { act, expectState, launchBrowser, makeUser, PASSWORD, seriousViolations, signIn } from '../helpers/browser';
import { startInstance, type Instance } from '../helpers/instances';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { eventually } from '../helpers/queues';

jest.setTimeout(180_000);

const NORTH = 'ISIL:DK-NORTH';
const SOUTH = 'ISIL:DK-SOUTH';
const DAY_MS = 24 * 3600 * 1000;

describe('setting up a consortium in the browser', () => {
  let server: Instance;
  let ils: MockIls;
  let browser: Browser;
  let admin: Page;

  beforeAll(async () => {
    server = await startInstance('consortium', []);
    ils = await startMockIls({ users: [{ id: 'P-100', givenName: 'Ada', surname: 'Lovelace' }] });
    // The first administrator (made with the setup code in the staff interface's own test).
    const key = (await createApiKey(server.service.lifecycle, { name: 'first admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'sys', displayName: 'Systems Librarian', role: 'admin' });
    browser = await launchBrowser();
    admin = await (await browser.newContext()).newPage();
    await signIn(admin, server, 'sys');
  });
  afterAll(async () => {
    await browser?.close();
    await ils?.close();
    await server?.destroy();
  });

  const addLibrary = async (symbol: string, name: string) => {
    await admin.goto(`${server.url}/admin/libraries`);
    const create = admin.getByRole('form', { name: 'Add a member library' });
    await create.getByLabel('Symbol').fill(symbol);
    await create.getByLabel('Name').fill(name);
    await create.getByRole('button', { name: 'Add the library' }).click();
    await admin.getByRole('heading', { name }).waitFor();
  };

  const addStaff = async (username: string, displayName: string, library: string) => {
    const form = admin.getByRole('form', { name: 'Add a staff user' });
    await form.getByLabel('Username').fill(username);
    await form.getByLabel('Display name').fill(displayName);
    await form.getByLabel('Library symbol (empty: all libraries)').fill(library);
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await form.getByRole('button', { name: 'Add user' }).click();
    await admin.getByText(`${displayName} is added.`).waitFor();
  };

  it('a systems librarian sets up both libraries, a partner and the staff', async () => {
    await addLibrary(SOUTH, 'South Library');
    const lending = admin.getByRole('form', { name: 'Lending to the other member libraries' });
    await lending.getByLabel('Loan period (days)').fill('28');
    await lending.getByRole('button', { name: 'Add a row' }).click();
    await lending.getByRole('textbox', { name: 'Requesting library symbol 1' }).fill(NORTH);
    await lending.getByRole('textbox', { name: `Days ${NORTH}` }).fill('14');
    await lending.getByRole('button', { name: 'Save' }).click();
    await lending.getByText('Saved.', { exact: true }).waitFor();

    await addLibrary(NORTH, 'North Library');
    const pickup = admin.getByRole('form', { name: 'Pickup locations' });
    await pickup.getByRole('button', { name: 'Add a location' }).click();
    await pickup.getByLabel('Code').fill('MAIN');
    await pickup.getByLabel('Name').fill('Main desk');
    await pickup.getByRole('button', { name: 'Save' }).click();
    await pickup.getByText('Saved.', { exact: true }).waitFor();

    const ncip = admin.getByRole('form', { name: 'ILS connection (NCIP)' });
    await ncip.getByLabel('NCIP address').fill(ils.url);
    await ncip.getByLabel('From agency id').fill('ILL');
    await ncip.getByLabel('To agency id').fill('NORTH');
    await ncip.getByLabel('Test patron id (optional)').fill('P-100');
    await ncip.getByRole('button', { name: 'Test the connection' }).click();
    await ncip.getByText('Patron Ada Lovelace (P-100) was found and may borrow.').waitFor();
    await ncip.getByRole('button', { name: 'Save' }).click();
    await ncip.getByText('Saved.', { exact: true }).waitFor();

    const mail = admin.getByRole('form', { name: 'Patron mail' });
    await mail.getByLabel('From address').fill('ill@north.example');
    await mail.getByLabel('Time zone').fill('Europe/Copenhagen');
    await mail.getByRole('button', { name: 'Save patron mail' }).click();
    await mail.getByText('Saved.', { exact: true }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);

    await admin.goto(`${server.url}/admin/partners`);
    await admin.getByRole('link', { name: 'Add a partner' }).click();
    await admin.getByLabel('Symbol').fill('ISIL:US-FAR');
    await admin.getByLabel('Name').fill('Faraway University');
    await admin.getByLabel('ISO 18626 address').fill('https://ill.faraway.example/iso18626');
    await admin.getByRole('button', { name: 'Add partner' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Partner ISIL:US-FAR' }).waitFor();

    await admin.goto(`${server.url}/admin/users`);
    await addStaff('nora', 'Nora North', NORTH);
    await addStaff('sven', 'Sven South', SOUTH);

    // All of it is stored as the forms said.
    const { directory } = server.service.lifecycle;
    const [north, south] = [await directory.library(NORTH), await directory.library(SOUTH)];
    expect(south!.settings).toMatchObject({ lending: { loanPeriodDays: 28, partners: { [NORTH]: { loanPeriodDays: 14 } } } });
    expect(north!.settings).toMatchObject({
      pickupLocations: [{ code: 'MAIN', name: 'Main desk' }],
      ncip: { url: ils.url, fromAgencyId: 'ILL', toAgencyId: 'NORTH' },
      mail: { fromAddress: 'ill@north.example', timeZone: 'Europe/Copenhagen' },
    });
    expect(await directory.partner('ISIL:US-FAR')).toMatchObject({ name: 'Faraway University', iso18626Url: 'https://ill.faraway.example/iso18626' });
  });

  it('the two libraries’ staff then lend between them, each in their own interface', async () => {
    const nora = await (await browser.newContext()).newPage();
    const sven = await (await browser.newContext()).newPage();
    await signIn(nora, server, 'nora');
    await signIn(sven, server, 'sven');

    await nora.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
    await nora.getByLabel(/^Title/).fill('A Room of One’s Own');
    await nora.getByLabel(/^Patron id/).fill('P-100');
    await nora.getByLabel(/^Lenders/).fill(SOUTH);
    await nora.getByText(`1 lender will be asked: ${SOUTH}; 0 skipped.`).waitFor();
    await nora.getByRole('button', { name: 'Create request' }).click();
    await nora.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    // North's ILS knows the patron: the request goes out to South.
    await expectState(nora, 'Waiting for the lender to answer');
    expect(ils.calls.map((c) => c.service)).toContain('LookupUser');

    await sven.getByRole('link', { name: /^New requests to answer/ }).click();
    await sven.getByRole('link', { name: 'A Room of One’s Own' }).click();
    await act(sven, 'Will supply', 'Will supply: to pull from the shelf');
    await act(sven, 'Mark pulled', 'Pulled, to ship');
    await sven.getByRole('button', { name: 'Ship', exact: true }).click();
    await sven.getByLabel('Item barcode').fill('30000000000042');
    await sven.getByRole('button', { name: 'Confirm: Ship' }).click();
    await expectState(sven, 'On loan to the borrower');

    // Shipped without a due date: South lends to North for 14 days, not its usual 28.
    const { db } = server.service.runtime.database;
    const [row] = await db.select({ id: requests.id }).from(requests).where(and(eq(requests.role, 'supplier'), eq(requests.supplyingAgencyId, SOUTH)));
    const lending = await getRequest(db, row!.id);
    // Due at the end of the 14th day after shipping, in South's time zone (UTC: it has none set).
    const shippedDay = lending!.updatedAt.toISOString().slice(0, 10);
    const dueDay = new Date(Date.parse(`${shippedDay}T00:00:00Z`) + 14 * DAY_MS).toISOString().slice(0, 10);
    expect(new Date(lending!.data.lifecycle!.dueDate!).toISOString()).toBe(endOfDay(dueDay, 'UTC').toISOString());

    await expectState(nora, 'In transit to us');
    await act(nora, 'Receive', 'Received, to give to the patron');
    await eventually(async () => ils.calls.some((c) => c.service === 'AcceptItem'), 10_000);
  });
});
