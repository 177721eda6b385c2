/**
 * The patron side in a real Chromium, against one whole server on loopback that serves a
 * borrowing library (ISIL:DE-A, English, its ILS a mock NCIP server with cards and PINs), the
 * library it borrows from (ISIL:DE-B) and a German library (ISIL:DE-G). Patron mail goes to an
 * SMTP server in the test.
 *
 * It reads as a patron's errand: a discovery system's OpenURL opens a filled-in form, the patron
 * signs in with card and PIN on the form itself and sends it; staff see it in their queue and the
 * lender ships it (staff API); the patron's page says it is on its way, then ready; the mail
 * carries a status link that opens the request without signing in, and a tampered or expired
 * link is refused. A blocked patron is told why before sending. A German library's pages speak
 * German, and its patron cancels a request there. A library without an ILS signs its patrons in
 * by a link mailed to an address at its own domain. Every patron page passes axe-core (no serious or critical violations) and has no
 * sideways scrolling at 320 px wide and at 200 % zoom.
 */
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { serverKeys } from '../../src/store/schema';
import { launchBrowser, seriousViolations, type AxeViolation } from '../helpers/browser';
import { changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { startMockIls, type MockIls } from '../helpers/mock-ils';
import { eventually } from '../helpers/queues';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(240_000);

const BORROWER = 'ISIL:DE-A';
const LENDER = 'ISIL:DE-B';
const GERMAN = 'ISIL:DE-G';
const BY_MAIL = 'ISIL:DE-E';
const READER = { id: 'P-77', barcode: '21000077', pin: '4711', givenName: 'Shevek', surname: 'Urras', email: 'shevek@anarres.example' };
const BLOCKED = { id: 'P-13', barcode: '21000013', pin: '1313', givenName: 'Takver', surname: 'Blocked', blocked: true };

/** What Primo sends for a book (OpenURL 1.0 KEV): the form opens with it filled in. */
const PRIMO_BOOK = new URLSearchParams({
  url_ver: 'Z39.88-2004',
  ctx_ver: 'Z39.88-2004',
  rfr_id: 'info:sid/primo.exlibrisgroup.com',
  rft_val_fmt: 'info:ofi/fmt:kev:mtx:book',
  'rft.genre': 'book',
  'rft.btitle': 'The Dispossessed',
  'rft.au': 'Le Guin, Ursula K.',
  'rft.isbn': '9780060512750',
  'rft.date': '1974',
}).toString();

const path = (symbol: string) => encodeURIComponent(symbol);

/** Waits (generously: the machine may be loaded) for `probe` to give something, naming what did not come. */
function waitFor<T>(what: string | (() => string), probe: () => Promise<T | undefined | false>): Promise<T> {
  return eventually(probe, 60_000).catch(() => {
    throw new Error(`still waiting for ${typeof what === 'string' ? what : what()}`);
  }) as Promise<T>;
}

/** The page as a patron with a small phone, then at 200 % zoom of a 1280×800 window, sees it: nothing to scroll sideways, nothing axe-core calls serious. */
async function checkPage(page: Page): Promise<{ width: number; overflow: number; violations: AxeViolation[] }[]> {
  const results = [];
  for (const viewport of [
    { width: 320, height: 640 },
    { width: 640, height: 400 },
  ]) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
    });
    results.push({ width: viewport.width, overflow, violations: await seriousViolations(page) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return results;
}

function expectAccessible(results: Awaited<ReturnType<typeof checkPage>>): void {
  expect(results).toEqual(results.map((r) => ({ width: r.width, overflow: 0, violations: [] })));
}

async function lang(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang);
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '');
}

describe('the patron side', () => {
  let server: Instance;
  let ils: MockIls;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let staffKey: string;

  /** The staff API, as the staff interface calls it. */
  const staff = async <T,>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${staffKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  interface StaffRequest {
    readonly id: string;
    readonly state: string;
    readonly version: number;
    readonly library: string | null;
    readonly requestingAgencyRequestId: string;
    readonly actions: string[];
    readonly data: { readonly bibliographic?: { readonly title?: string } };
  }
  const queue = (id: string) => staff<{ items: StaffRequest[] }>('GET', `/requests?queue=${id}`).then((r) => r.items);
  const staffAct = async (id: string, action: string, params?: Record<string, unknown>) => {
    const request = await staff<StaffRequest>('GET', `/requests/${id}`);
    return staff<StaffRequest>('POST', `/requests/${id}/actions`, { action, version: request.version, ...(params ? { params } : {}) });
  };
  const waitForState = (id: string, state: string) => waitFor(`request ${id} to be ${state}`, async () => (await staff<StaffRequest>('GET', `/requests/${id}`)).state === state);

  const ncip = { enabled: true, url: '', fromAgencyId: 'ILL', toAgencyId: 'DE-A-ILS', timeoutMs: 5000 };

  beforeAll(async () => {
    [ils, smtp] = await Promise.all([startMockIls({ agencyId: 'DE-A-ILS', users: [READER, BLOCKED] }), startSmtpServer()]);
    // Links in mail point at PUBLIC_URL, which startInstance sets to this server's own address.
    server = await startInstance('patron', [BORROWER, LENDER, GERMAN, BY_MAIL], { smtpUrl: smtp.url });
    await changeLibrarySettings(server, BORROWER, {
      ncip: { ...ncip, url: ils.url },
      pickupLocations: [
        { code: 'MAIN', name: 'Main library', address: 'Universitätsstraße 1' },
        { code: 'SCI', name: 'Science library' },
      ],
      mail: { fromAddress: 'fernleihe@a.example' },
      patrons: { signIn: 'ils', language: 'en' },
    });
    await changeLibrarySettings(server, LENDER, { lending: { loanPeriodDays: 28 } });
    await changeLibrarySettings(server, GERMAN, {
      ncip: { ...ncip, url: ils.url },
      pickupLocations: [{ code: 'ZB', name: 'Zentralbibliothek' }],
      patrons: { signIn: 'ils', language: 'de' },
    });
    // A library without an ILS connection: its patrons sign in by a link sent to their university address.
    await changeLibrarySettings(server, BY_MAIL, { mail: { fromAddress: 'ill@e.example' }, patrons: { signIn: 'email', emailDomains: ['uni-e.example'] } });
    staffKey = (await createApiKey(server.service.lifecycle, { name: 'desk', role: 'admin' })).key;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.destroy(), ils?.close(), smtp?.close()]);
  });

  let statusUrl: string;
  let requestTitleOnPage: string;

  it('takes a patron from a discovery system’s link to a request the staff work on, follows it to the pickup shelf, and asks for more time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();

    // The link a discovery system sends: the form is filled from the citation.
    await page.goto(`${server.url}/openurl/${path(BORROWER)}?${PRIMO_BOOK}`);
    await page.getByRole('heading', { level: 1, name: 'Ask for a book or an article' }).waitFor();
    expect(await lang(page)).toBe('en');
    expect(await page.getByLabel(/^Title/).inputValue()).toBe('The Dispossessed');
    expect(await page.getByLabel(/^Author/).inputValue()).toBe('Le Guin, Ursula K.');
    expect(await page.getByLabel(/^ISBN/).inputValue()).toBe('9780060512750');
    expect(await page.getByRole('radio', { name: 'To borrow a book or other item' }).isChecked()).toBe(true);
    // Not signed in: the form offers signing in where the send button will be.
    expect(await page.getByRole('button', { name: 'Send request' }).count()).toBe(0);
    expectAccessible(await checkPage(page));

    // The patron chooses where to collect it and when it is needed by.
    await page.getByLabel(/^Where will you collect it/).selectOption('MAIN');
    await page.getByText('Universitätsstraße 1').waitFor();
    const neededBy = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel(/^I need it before/).fill(neededBy);
    await page.getByLabel(/^Message to the library staff/).fill('For my thesis seminar.');

    // A wrong PIN: the summary of the problem gets the focus, and the field says what is wrong.
    await page.getByLabel('Library card number').fill(READER.barcode);
    await page.getByLabel('PIN', { exact: true }).fill('0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The card number or the PIN is not right.').waitFor();
    expect(await focusedText(page)).toContain('There is a problem');
    expect(await page.getByLabel('Library card number').getAttribute('aria-invalid')).toBe('true');
    expectAccessible(await checkPage(page));

    await page.getByLabel('PIN', { exact: true }).fill(READER.pin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as Shevek Urras').waitFor();
    // What the patron chose before signing in is still there.
    expect(await page.getByLabel(/^I need it before/).inputValue()).toBe(neededBy);
    expectAccessible(await checkPage(page));

    // An empty title stops the form before anything is sent, with the focus on the summary.
    await page.getByLabel(/^Title/).fill('');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('link', { name: 'Enter the title' }).waitFor();
    expect(await focusedText(page)).toContain('Enter the title');
    await page.getByRole('link', { name: 'Enter the title' }).click();
    await page.getByLabel(/^Title/).fill('The Dispossessed');

    await page.getByRole('button', { name: 'Send request' }).click();
    await page.waitForURL(new RegExp(`/patron/${path(BORROWER)}$`));
    await page.getByRole('status').getByText(/^Your request was sent\. Its number is [1-9]\d*\.$/).waitFor();
    const card = page.getByRole('article', { name: 'The Dispossessed' });
    await card.getByText('Main library').waitFor();
    expectAccessible(await checkPage(page));

    // Staff find it in their borrowing queue; it went to the lender the directory offers.
    const borrowing = await waitFor('the request in the borrowing queue', async () => (await queue('borrowing.waiting')).find((r) => r.data.bibliographic?.title === 'The Dispossessed'));
    expect(borrowing.library).toBe(BORROWER);
    await page.reload();
    await card.getByText('We are looking for a library that can lend it').waitFor();

    // The lender's staff answer and ship it.
    const lending = await waitFor('the request in the lender’s queue', async () => (await queue('lending.new')).find((r) => r.requestingAgencyRequestId === borrowing.requestingAgencyRequestId));
    await staffAct(lending.id, 'will_supply');
    await staffAct(lending.id, 'mark_picked');
    await staffAct(lending.id, 'ship', { itemId: '30000000000077' });
    await waitForState(borrowing.id, 'shipped');
    await page.reload();
    await page.getByRole('article', { name: 'The Dispossessed' }).getByText('On its way to us').waitFor();

    // It arrives: ready for the patron to collect, at the place they chose.
    await staffAct(borrowing.id, 'mark_received');
    await page.reload();
    const arrived = page.getByRole('article', { name: 'The Dispossessed' });
    await arrived.getByText('Ready for you to collect').waitFor();
    expect(await arrived.getByRole('button', { name: 'Cancel this request' }).count()).toBe(0);
    requestTitleOnPage = 'The Dispossessed';

    // The mail saying it is ready carries a link to this request's status.
    const mail = await waitFor(() => `the ready-for-pickup mail (got: ${smtp.received.map((m) => m.parsed.subject).join('; ')})`, async () =>
      smtp.received.filter((m) => m.envelopeTo.includes(READER.email)).find((m) => /\/status\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.test(m.parsed.text ?? '') && /^Ready for pickup/.test(m.parsed.subject ?? '')),
    );
    statusUrl = /https?:\/\/\S+\/status\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(mail.parsed.text ?? '')![0];
    expect(statusUrl.startsWith(server.url)).toBe(true);

    // They collect it; on loan, they ask for more time, and the page says the lender has been asked.
    await staffAct(borrowing.id, 'check_out');
    await page.reload();
    const onLoan = page.getByRole('article', { name: 'The Dispossessed' });
    await onLoan.getByText('On loan to you').waitFor();
    await onLoan.getByText(/^Return by/).waitFor();
    await onLoan.getByRole('button', { name: 'Ask for more time' }).click();
    await page.getByRole('status').getByText(/^We asked for more time for [1-9]\d*\./).waitFor();
    await onLoan.getByText('You asked for more time: we are waiting for the answer.').waitFor();
    expect(await onLoan.getByRole('button', { name: 'Ask for more time' }).count()).toBe(0);
    await waitForState(borrowing.id, 'renew_pending');
    expectAccessible(await checkPage(page));
    await context.close();
  });

  it('opens the request from the mail’s status link without signing in, and refuses a tampered or expired link', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(statusUrl);
    // The link shows the request as it is now, not as it was when the mail was sent.
    const card = page.getByRole('article', { name: requestTitleOnPage });
    await card.getByText('On loan to you').waitFor();
    await card.getByText('You asked for more time: we are waiting for the answer.').waitFor();
    // Reading is all the link allows: no actions, and no sign-in happened.
    expect(await page.getByRole('button').count()).toBe(0);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('ill_patron');
    expectAccessible(await checkPage(page));

    const [payload, signature] = new URL(statusUrl).pathname.split('/').pop()!.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { r: string; p: string; e: number };
    // Another request's id under the same signature.
    const forged = Buffer.from(JSON.stringify({ ...claims, r: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    await page.goto(`${server.url}/status/${forged}.${signature}`);
    await page.getByRole('alert').getByText(/^This link does not work\./).waitFor();
    expect(await page.getByRole('article').count()).toBe(0);
    expectAccessible(await checkPage(page));

    // A link signed with the server's own key, but past its expiry.
    const [key] = await server.service.runtime.database.db.select().from(serverKeys).where(eq(serverKeys.name, 'status-link'));
    const expiredPayload = Buffer.from(JSON.stringify({ ...claims, e: Math.floor(Date.now() / 1000) - 60 })).toString('base64url');
    const expiredSignature = createHmac('sha256', Buffer.from(key!.secret, 'base64url')).update(expiredPayload).digest('base64url');
    await page.goto(`${server.url}/status/${expiredPayload}.${expiredSignature}`);
    await page.getByRole('alert').getByText(/^This link has expired\./).waitFor();
    await context.close();
  });

  it('tells a blocked patron why, before they fill anything in, and offers no send button', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/openurl?library=${path(BORROWER)}&genre=article&atitle=Anarchy+and+order&title=Journal+of+Utopian+Studies&aulast=Odo&volume=12&spage=3&sid=EBSCO:edsjsr`);
    expect(await page.getByRole('radio', { name: 'A copy of an article or chapter' }).isChecked()).toBe(true);
    expect(await page.getByLabel(/^Title of the article or chapter/).inputValue()).toBe('Anarchy and order');
    await page.getByLabel('Library card number').fill(BLOCKED.barcode);
    await page.getByLabel('PIN', { exact: true }).fill(BLOCKED.pin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your library account is blocked, so you cannot send requests now.').waitFor();
    expect(await page.getByRole('button', { name: 'Send request' }).count()).toBe(0);
    expectAccessible(await checkPage(page));

    // Their own page says the same, and offers no new request.
    await page.goto(`${server.url}/patron/${path(BORROWER)}`);
    await page.getByText('Your library account is blocked, so you cannot send requests now.').waitFor();
    expect(await page.getByRole('link', { name: 'Ask for something else' }).count()).toBe(0);
    await context.close();
  });

  it('speaks German for a library whose language is German', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/openurl/${path(GERMAN)}?${PRIMO_BOOK}`);
    await page.getByRole('heading', { level: 1, name: 'Buch oder Aufsatz bestellen' }).waitFor();
    expect(await lang(page)).toBe('de');
    expect(await page.getByLabel(/^Titel/).inputValue()).toBe('The Dispossessed');
    await page.getByRole('heading', { name: 'Melden Sie sich an, um diese Bestellung abzusenden' }).waitFor();
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('link', { name: 'Bitte geben Sie Ihre Ausweisnummer ein' }).waitFor();
    expectAccessible(await checkPage(page));

    await page.getByLabel('Ausweisnummer').fill(READER.barcode);
    await page.getByLabel('PIN', { exact: true }).fill(READER.pin);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByText('Angemeldet als Shevek Urras').waitFor();
    await page.getByRole('button', { name: 'Bestellung absenden' }).waitFor();

    await page.getByRole('button', { name: 'Bestellung absenden' }).click();
    await page.waitForURL(new RegExp(`/patron/${path(GERMAN)}$`));
    await page.getByRole('heading', { level: 1, name: 'Ihre Bestellungen' }).waitFor();
    await page.getByRole('status').getByText(/^Ihre Bestellung wurde abgeschickt\./).waitFor();
    expect(await page.title()).toBe(`Ihre Bestellungen – Library ${GERMAN}`);
    expectAccessible(await checkPage(page));

    // Not sent yet: the patron can still cancel it, after saying so twice.
    const card = page.getByRole('article', { name: 'The Dispossessed' });
    await card.getByRole('button', { name: 'Bestellung stornieren' }).click();
    await card.getByText('Möchten Sie „The Dispossessed“ wirklich stornieren?').waitFor();
    expectAccessible(await checkPage(page));
    await card.getByRole('button', { name: 'Ja, stornieren' }).click();
    await page.getByRole('status').getByText(/^Wir stornieren Ihre Bestellung [1-9]\d*\.$/).waitFor();
    expect(await card.getByRole('button', { name: 'Bestellung stornieren' }).count()).toBe(0);
    await context.close();
  });

  it('signs a patron of a library without an ILS in by a one-time link mailed to an allowed address', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/patron/${path(BY_MAIL)}`);
    await page.getByRole('heading', { level: 1, name: 'Your requests' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail address').fill('odo@elsewhere.example');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByRole('link', { name: 'Use an e-mail address ending in @uni-e.example.' }).waitFor();
    expectAccessible(await checkPage(page));

    await page.getByLabel('E-mail address').fill('odo@uni-e.example');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByRole('status').getByText(/^We sent a link to odo@uni-e\.example\./).waitFor();
    const mail = await waitFor('the sign-in link mail', async () => smtp.received.find((m) => m.envelopeTo.includes('odo@uni-e.example')));
    const link = /https?:\/\/\S+\/patron\/\S+\/sign-in\/[A-Za-z0-9_.-]+/.exec(mail.parsed.text ?? '')![0];

    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Your requests' }).waitFor();
    await page.getByText('Signed in as odo@uni-e.example').waitFor();
    await page.getByText('You have no interlibrary loan requests.').waitFor();
    expectAccessible(await checkPage(page));

    // The link worked once; a second time it offers a new one.
    const other = await (await browser.newContext()).newPage();
    await other.goto(link);
    await other.getByRole('alert').getByText(/^This sign-in link does not work any more\./).waitFor();
    await other.getByRole('heading', { name: 'Ask for a new sign-in link' }).waitFor();
    expectAccessible(await checkPage(other));
    await other.context().close();
    await context.close();
  });
});
