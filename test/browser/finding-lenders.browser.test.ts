/**
 * Finding lenders in a real Chromium, against one whole server whose union catalogue comes from
 * CATALOGUE_FILE (a GVI answer with MARC 924 holdings) and whose borrowing library has its own
 * catalogue (an Alma answer with two available copies): staff type an ISBN, fill the form from
 * the catalogue, see in the preview who holds it and that the library has it itself, make the
 * request, find it held locally, and fill it from their own shelf. The pages pass axe-core.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { act, expectQueueCount, expectState, launchBrowser, makeUser, openQueues, seriousViolations, signIn } from '../helpers/browser';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';
import { SHARED_SRU_DIR, startSruServer, type SruTestServer } from '../helpers/sru-server';

jest.setTimeout(180_000);

const LIBRARY = 'ISIL:DK-A';

describe('finding lenders in the staff interface', () => {
  let union: SruTestServer;
  let own: SruTestServer;
  let dir: string;
  let server: Instance;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    union = await startSruServer({ kind: 'file', path: join(__dirname, '../fixtures/catalog/gvi-marc924.xml') });
    own = await startSruServer({ kind: 'file', path: join(SHARED_SRU_DIR, 'upenn-libraries-Find__physical_bib_availability.xml') });
    dir = mkdtempSync(join(tmpdir(), 'ill-catalogue-'));
    const catalogueFile = join(dir, 'catalogue.yaml');
    writeFileSync(catalogueFile, `sources:\n  - name: GVI\n    url: ${union.url}\n    indexes: { isbn: pica.isb }\n    holdings: { kind: marc924 }\n`);
    server = await startInstance('lenders', [LIBRARY], { catalogueFile });
    await addPartners(server, [
      { symbol: 'ISIL:DE-705', name: 'Helmut-Schmidt-Universität', at: server },
      { symbol: 'ISIL:DE-Ofb1', name: 'Stadtbibliothek Offenburg', at: server },
    ]);
    await changeLibrarySettings(server, LIBRARY, {
      catalogue: { local: { name: 'Our catalogue', url: own.url, indexes: { isbn: 'alma.isbn' }, holdings: { kind: 'alma' } } },
    });
    const key = (await createApiKey(server.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'desk', displayName: 'Desk staff', role: 'staff', library: LIBRARY });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signIn(page, server, 'desk');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
    await Promise.all([union?.close(), own?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fills the form from the catalogue, shows the holders and the own copies, and the request waits to be filled locally', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
    await page.getByLabel('ISBN').fill('978-3-16-148410-0');
    await page.getByRole('button', { name: 'Fill in from the catalogue' }).click();
    await page.getByText(/^Filled the empty fields from Our catalogue/).waitFor();
    await page.getByLabel(/^Patron id/).fill('P-77');

    await page.getByText('2 lenders will be asked, first ISIL:DE-705; 3 skipped.').waitFor();
    await page.getByText(/^Lenders found in the catalogue \(GVI\): 5 holders/).waitFor();
    const preview = page.locator('.routing-preview');
    await preview.getByRole('heading', { name: 'Held locally' }).waitFor();
    expect(await preview.locator('.local-copies li').allTextContents()).toEqual([expect.stringContaining('B53 .R68'), expect.stringContaining('B53 .R68')]);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Create request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    await expectState(page, 'Held locally: our own copy is available');
    await page.getByRole('heading', { name: 'Held locally' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const requestUrl = page.url();

    await openQueues(page, server);
    await expectQueueCount(page, 'Held locally', 1);

    await page.goto(requestUrl);
    await act(page, 'Fill from our own copy', 'Filled from our own collection');
    await openQueues(page, server);
    await expectQueueCount(page, 'Held locally', 0);
  });
});
