/**
 * Printing in a real Chromium against one whole server serving a lending library (ISIL:DK-B1)
 * and a borrowing library (ISIL:DK-A): a day's 200 pull slips go from the to-pull queue to a
 * PDF (three slips to an A4 page, sorted by shelving location then call number), and a book
 * band carries a received loan's temporary barcode. Both print pages pass axe-core.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { insertRequest } from '../../src/store/requests';
import { launchBrowser, makeUser, seriousViolations, signIn } from '../helpers/browser';
import { changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(180_000);

const SLIPS = 200;
const LOCATIONS = ['Reading room', 'Annex', 'Main stacks'];

/** The n-th seeded lending request's shelf: locations and call numbers deliberately out of order. */
function shelfOf(n: number): { readonly location: string; readonly callNumber: string } {
  return { location: LOCATIONS[n % LOCATIONS.length]!, callNumber: `QA ${(n * 37) % 211}.${n % 7}` };
}

/** Reads the pdf's page tree: each page object is `/Type /Page` (the tree's own node is `/Pages`). */
function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

describe('printing', () => {
  let server: Instance;
  let browser: Browser;
  let page: Page;
  let bandId: string;
  let bandNumber: number | null;

  beforeAll(async () => {
    server = await startInstance('print', ['ISIL:DK-B1', 'ISIL:DK-A']);
    await changeLibrarySettings(server, 'ISIL:DK-A', { pickupLocations: [{ code: 'MAIN', name: 'Main library, lending desk' }] });
    const { db } = server.service.runtime.database;
    let clock = Date.parse('2026-12-01T08:00:00Z');
    for (let n = 0; n < SLIPS; n++) {
      const id = randomUUID();
      const shelf = shelfOf(n);
      await insertRequest(
        db,
        {
          id,
          libraryId: server.libraryIds['ISIL:DK-B1']!,
          role: 'supplier',
          state: 'will_supply',
          serviceType: 'Loan',
          requestingAgencyId: 'ISIL:DK-900',
          requestingAgencyRequestId: `REQ-${n}`,
          supplyingAgencyId: 'ISIL:DK-B1',
          supplyingAgencyRequestId: id,
          data: {
            lifecycle: { serviceType: 'Loan' },
            bibliographic: { title: `Slip title ${n}`, author: `Author ${n}` },
            holding: { callNumber: shelf.callNumber, summaryHoldings: shelf.location },
            requestingAgency: { name: 'Faraway library' },
            neededBy: '2026-12-24',
          },
        },
        new Date((clock += 1000)),
      );
    }
    bandId = randomUUID();
    ({ number: bandNumber } = await insertRequest(
      db,
      {
        id: bandId,
        libraryId: server.libraryIds['ISIL:DK-A']!,
        role: 'requester',
        state: 'received',
        serviceType: 'Loan',
        requestingAgencyId: 'ISIL:DK-A',
        requestingAgencyRequestId: bandId,
        supplyingAgencyId: 'ISIL:DK-B2',
        supplyingAgencyRequestId: 'LENDER-77',
        data: {
          lifecycle: { serviceType: 'Loan', dueDate: '2026-12-29T22:59:59Z' },
          bibliographic: { title: 'The banded book' },
          patron: { id: 'P-42', name: 'Ada Lovelace' },
          pickupLocation: 'MAIN',
          returnTo: { name: 'Lender two, ILL', address: { line1: 'Harbour road 3', postalCode: '8000', locality: 'Aarhus' } },
          ncip: { itemId: 'TMP-0042' },
        },
      },
      new Date(clock),
    ));

    const key = (await createApiKey(server.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'desk', displayName: 'Desk staff', role: 'staff' });

    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signIn(page, server, 'desk');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('prints the whole to-pull queue: 200 slips, three to an A4 page, by location then call number', async () => {
    await page.goto(`${server.url}/queues/lending.to-pull`);
    await page.getByRole('link', { name: 'Print pull slips for this queue' }).click();
    await page.waitForURL(/\/print\/pull-slips\?queue=lending\.to-pull/);
    await page.getByRole('status').filter({ hasText: `${SLIPS} pull slips, three to a page: 67 pages.` }).waitFor({ timeout: 60_000 });

    // Every seeded slip has both, so the two lists line up slip by slip.
    const locations = await page.locator('.pull-slip dd.slip-location').allTextContents();
    const callNumbers = await page.locator('.pull-slip dd.slip-call-number').allTextContents();
    const shelves = locations.map((location, i) => `${location} | ${callNumbers[i]}`);
    const collator = new Intl.Collator('en', { numeric: true });
    const expected = Array.from({ length: SLIPS }, (_, n) => shelfOf(n))
      .sort((a, b) => collator.compare(a.location, b.location) || collator.compare(a.callNumber, b.callNumber))
      .map((s) => `${s.location} | ${s.callNumber}`);
    expect(shelves).toEqual(expected);
    // Each slip with the lending library's own number for its request: DK-B1's 1 to 200.
    const numbers = (await page.locator('.pull-slip dd.slip-number').allTextContents()).map(Number);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: SLIPS }, (_, n) => n + 1));
    expect(await page.locator('.pull-slip .barcode svg').count()).toBe(SLIPS);
    expect(await page.locator('.pull-slip .qrcode svg').count()).toBe(SLIPS);

    const text = await page.locator('.sheets').innerText();
    for (const n of [0, 99, 199]) expect(text).toContain(`Slip title ${n}`);
    expect(text).toContain('Faraway library (ISIL:DK-900)');
    expect(text).toContain('REQ-199');

    expect(await seriousViolations(page)).toEqual([]);

    const pdf = await page.pdf({ format: 'A4' });
    expect(pdfPageCount(pdf)).toBe(Math.ceil(SLIPS / 3));
  });

  it('the same slips on US Letter: the paper size is the page’s choice', async () => {
    await page.getByLabel('Paper size').selectOption('letter');
    await page.waitForURL(/paper=letter/);
    const pdf = await page.pdf({ format: 'Letter' });
    expect(pdfPageCount(pdf)).toBe(Math.ceil(SLIPS / 3));
  });

  it('prints a received loan’s book band with the ILS’s temporary barcode, from its request page', async () => {
    await page.goto(`${server.url}/requests/${bandId}`);
    await page.getByRole('link', { name: 'Print book band' }).click();
    await page.waitForURL(/\/print\/book-bands\?ids=/);
    await page.getByRole('status').filter({ hasText: 'One book band, on one page.' }).waitFor();
    const band = page.locator('article.book-band');
    await page.getByRole('img', { name: 'Temporary barcode TMP-0042' }).waitFor();
    expect(await band.locator('.barcode svg').count()).toBe(1);
    expect(await band.locator('.band-line', { hasText: 'Request number' }).locator('.band-value').innerText()).toBe(String(bandNumber));
    const text = await band.innerText();
    for (const words of ['Ada Lovelace (P-42)', 'Main library, lending desk', '29 Dec 2026', 'Lender two, ILL', 'Harbour road 3', '8000 Aarhus', 'LENDER-77', 'The banded book']) expect(text).toContain(words);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pdfPageCount(await page.pdf({ format: 'A4' }))).toBe(1);
  });
});
