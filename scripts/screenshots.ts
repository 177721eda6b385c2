/**
 * `npm run screenshots`: pictures of the staff interface's main screens and of the patron pages
 * (at a phone's width), for the README and for reviewing a change of the interface, written to
 * docs/screenshots/. Two servers on loopback
 * (a borrowing and a lending library) with a private Redis; a few hundred sample requests fill
 * the queues, and one real loan, run through ISO 18626 between them, gives the request page a
 * timeline.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seedOpenRequests } from '../bench/support/open-requests';
import { createApiKey } from '../src/services/access/api-keys';
import { createBorrowingRequest, parseBorrowingRequest } from '../src/services/borrowing/borrowing';
import { openPatronSession } from '../src/services/patrons/sessions';
import { startRedisServer } from '../workers/redis-server';
import { startMockIls } from '../test/helpers/mock-ils';
import { launchBrowser } from '../test/helpers/browser';
import { act, lenderRequest, waitForState } from '../test/helpers/e2e';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../test/helpers/instances';

const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
const PASSWORD = 'screenshots need a long passphrase';

async function user(instance: Instance, username: string, displayName: string, library: string): Promise<void> {
  const key = (await createApiKey(instance.service.lifecycle, { name: 'screenshots', role: 'admin' })).key;
  const res = await fetch(`${instance.url}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, displayName, role: 'staff', library, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`POST /users answered ${res.status}: ${await res.text()}`);
}

async function shoot(page: Page, url: string, name: string, ready: (page: Page) => Promise<unknown>): Promise<void> {
  await page.goto(url);
  await ready(page);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  console.log(`wrote docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  const [a, b] = await Promise.all([startInstance('shots-a', ['ISIL:DK-A']), startInstance('shots-b', ['ISIL:DK-B1'])]);
  const browser = await launchBrowser();
  const ils = await startMockIls({ agencyId: 'DK-A-ILS', users: [{ id: 'P-1042', barcode: '20001042', pin: '4711', givenName: 'Genly', surname: 'Ai', email: 'genly@example.org' }] });
  try {
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender one', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
    await changeLibrarySettings(b, 'ISIL:DK-B1', { lending: { loanPeriodDays: 28 } });
    const settingsA = {
      mail: { timeZone: 'Europe/Copenhagen' },
      pickupLocations: [
        { code: 'MAIN', name: 'Main desk', address: 'Nørre Allé 49, Copenhagen' },
        { code: 'NORTH', name: 'North branch' },
      ],
    };
    await changeLibrarySettings(a, 'ISIL:DK-A', settingsA);
    const partners = Array.from({ length: 12 }, (_, i) => `ISIL:DK-${710 + i * 7}`);
    await seedOpenRequests(a.service.runtime.database.db, { libraryId: a.libraryIds['ISIL:DK-A']!, symbol: 'ISIL:DK-A', partners, count: 240 });

    const borrowing = await createBorrowingRequest(
      a.service.lifecycle,
      a.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({
        serviceType: 'Loan',
        bibliographic: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.', isbn: '9780441478125', publisher: 'Ace Books', publicationDate: '1969' },
        patron: { id: 'P-1042', name: 'Genly Ai', email: 'genly@example.org' },
        pickupLocation: 'MAIN',
        neededBy: '2027-02-15',
        candidates: [{ symbol: 'ISIL:DK-B1' }],
      }),
      'staff:screenshots',
      { channel: 'staff' },
    );
    const lending = await lenderRequest(b, borrowing);
    await act(b, lending.id, 'will_supply');
    await act(b, lending.id, 'mark_picked');
    await act(b, lending.id, 'ship', { itemId: '39015004217763' });
    await waitForState(a, borrowing.id, 'shipped');

    await user(a, 'karen', 'Karen Nielsen', 'ISIL:DK-A');
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const signedIn = await context.request.post(`${a.url}/api/v1/session`, { data: { username: 'karen', password: PASSWORD } });
    if (!signedIn.ok()) throw new Error(`sign-in answered ${signedIn.status()}`);
    const page = await context.newPage();
    const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' }).waitFor();
    const rows = (p: Page) => p.locator('tbody tr').first().waitFor();
    await shoot(page, `${a.url}/`, 'queues', (p) => p.locator('.queue-count').first().waitFor());
    await shoot(page, `${a.url}/queues/borrowing.waiting`, 'queue', rows);
    await shoot(page, `${a.url}/requests/${borrowing.id}`, 'request', (p) => p.getByRole('heading', { name: /The Left Hand of Darkness/ }).first().waitFor());
    await shoot(page, `${a.url}/search?q=earthsea`, 'search', rows);
    await shoot(page, `${a.url}/requests/new`, 'new-request', nav);

    // The patron side, at a phone's width: the form a discovery layer's OpenURL opens, and the
    // patron's page (signed in with the card, checked by the ILS).
    await changeLibrarySettings(a, 'ISIL:DK-A', { ...settingsA, ncip: { enabled: true, url: ils.url, fromAgencyId: 'ILL', toAgencyId: 'DK-A-ILS', timeoutMs: 5000 } });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const patronPage = await phone.newPage();
    const citation = new URLSearchParams({ ctx_ver: 'Z39.88-2004', rft_val_fmt: 'info:ofi/fmt:kev:mtx:journal', 'rft.genre': 'article', 'rft.atitle': 'A theory of the learnable', 'rft.jtitle': 'Communications of the ACM', 'rft.au': 'Valiant, L. G.', 'rft.date': '1984', 'rft.volume': '27', 'rft.issue': '11', 'rft.spage': '1134', 'rft.epage': '1142', rft_id: 'info:doi/10.1145/1968.1972', rfr_id: 'info:sid/primo.exlibrisgroup.com' });
    await shoot(patronPage, `${a.url}/openurl/ISIL:DK-A?${citation}`, 'patron-request-form', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    const { token } = await openPatronSession(a.service.lifecycle, { libraryId: a.libraryIds['ISIL:DK-A']!, patronId: 'P-1042', method: 'ils', details: { name: 'Genly Ai', email: 'genly@example.org', blockReasons: [] } });
    await phone.addCookies([{ name: 'ill_patron', value: token, url: a.url }]);
    await shoot(patronPage, `${a.url}/patron/ISIL:DK-A`, 'patron-requests', (p) => p.getByText('The Left Hand of Darkness').first().waitFor());
  } finally {
    await ils.close();
    await browser.close();
    await Promise.all([a.destroy(), b.destroy()]);
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
