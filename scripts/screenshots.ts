/**
 * `npm run screenshots`: pictures of the staff interface's main screens, for the README and for
 * reviewing a change of the interface, written to docs/screenshots/. Two servers on loopback
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
import { startRedisServer } from '../workers/redis-server';
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
  try {
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender one', at: b, inboundSecret: 'from-b', outboundSecret: 'from-a' }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: 'from-a', outboundSecret: 'from-b' }]);
    await changeLibrarySettings(b, 'ISIL:DK-B1', { lending: { loanPeriodDays: 28 } });
    await changeLibrarySettings(a, 'ISIL:DK-A', { mail: { timeZone: 'Europe/Copenhagen' }, pickupLocations: [{ code: 'MAIN', name: 'Main desk' }, { code: 'NORTH', name: 'North branch' }] });
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
  } finally {
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
