/**
 * Administration in a real Chromium against a whole server on loopback: an administrator adds
 * a partner, edits its policies and status, sets a secret that is never shown back, imports a
 * directory file with one bad entry (the dry run shows the plan and the rejected path; applying
 * writes the good ones), tests a partner (a second server is the partner) and imports 1,000
 * partners with a progress bar, makes and revokes an API key; a member of staff sees the same screens
 * read-only. Every screen passes axe-core without serious or critical violations.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { findPartnerBySymbol, insertPartner } from '../../src/store/partners';
import { requests } from '../../src/store/schema';
import { launchBrowser, makeUser, seriousViolations, signIn } from '../helpers/browser';
import { addPartners, startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(120_000);

/** Every text an element matching `selector` showed from now on: a bar that moves faster than a test looks. */
async function recordTexts(page: Page, selector: string): Promise<() => Promise<string[]>> {
  // The test's TypeScript has no DOM types: the page runs this as it is written.
  await page.evaluate(`(() => {
    const seen = (window.seenTexts = []);
    new MutationObserver(() => {
      for (const el of document.querySelectorAll(${JSON.stringify(selector)})) if (el.textContent && seen.at(-1) !== el.textContent) seen.push(el.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  return async () => (await page.evaluate('window.seenTexts')) as string[];
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

describe('administration: the directory, the directory file and API keys', () => {
  let server: Instance;
  let partner: Instance;
  let browser: Browser;
  let admin: Page;
  let staff: Page;
  const dir = mkdtempSync(join(tmpdir(), 'admin-directory-'));

  beforeAll(async () => {
    [server, partner] = await Promise.all([startInstance('admin-dir', ['ISIL:DK-A', 'ISIL:DK-A2']), startInstance('admin-dir-b', ['ISIL:DK-B'])]);
    // A real ILL server as the partner to test; and one partner served without an address.
    await addPartners(server, [{ symbol: 'ISIL:DK-B', name: 'Test Partner', at: partner }]);
    await addPartners(partner, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: server }]);
    await server.service.runtime.database.directory.write((db) =>
      insertPartner(db, { id: randomUUID(), symbol: 'ISIL:DK-NOURL', name: 'No Address', iso18626Url: null, auth: {}, policies: {}, vendor: null, contactEmail: null, status: 'active' }),
    );
    const key = (await createApiKey(server.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'sysadmin', displayName: 'Systems Librarian', role: 'admin' });
    await makeUser(server, key, { username: 'desk', displayName: 'Desk Staff', role: 'staff' });
    browser = await launchBrowser();
    admin = await (await browser.newContext()).newPage();
    staff = await (await browser.newContext()).newPage();
    await Promise.all([signIn(admin, server, 'sysadmin'), signIn(staff, server, 'desk')]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.destroy(), partner?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an admin add a partner, then edit its policies, suspend it until a date and set a secret never shown back', async () => {
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    expect(await admin.getByRole('link', { name: 'Member libraries' }).getAttribute('href')).toBe('/admin/libraries');
    await expectAccessible(admin, 'admin index');
    await admin.getByRole('link', { name: 'Partners' }).click();
    await admin.getByRole('link', { name: 'Add a partner' }).click();
    await admin.getByLabel('Symbol').fill('ISIL:US-NEW');
    await admin.getByLabel('Name').fill('New Partner');
    await admin.getByLabel('ISO 18626 address').fill('https://new.example/iso18626');
    await admin.getByLabel('Contact e-mail').fill('not-an-address');
    await admin.getByRole('button', { name: 'Add partner' }).click();
    // The server's message sits next to its field.
    const email = admin.getByLabel('Contact e-mail');
    await admin.locator('input[name="contactEmail"][aria-invalid="true"]').waitFor();
    expect(await admin.locator('.field-problem').first().textContent()).toMatch(/e-mail/);
    await expectAccessible(admin, 'new partner with a field problem');
    await email.fill('ill@new.example');
    await admin.getByRole('button', { name: 'Add partner' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Partner ISIL:US-NEW' }).waitFor();
    await admin.getByRole('status').filter({ hasText: 'Partner ISIL:US-NEW is added.' }).waitFor();

    await admin.getByLabel('Status').selectOption('suspended');
    await admin.getByLabel('Not lending until (inclusive)').fill('2027-01-31');
    await admin.getByLabel('New requests a day at most').fill('12');
    await admin.getByLabel('Loan period (days)').fill('21');
    await admin.getByLabel('Copy', { exact: true }).uncheck();
    const inbound = admin.getByRole('group', { name: 'Security code the partner sends us' });
    await inbound.getByLabel('Set a new one').check();
    await inbound.getByLabel('New security code the partner sends us').fill('s3cret-inbound');
    await admin.getByRole('button', { name: 'Save partner' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    const stored = await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-NEW');
    expect(stored).toMatchObject({ status: 'suspended', contactEmail: 'ill@new.example', policies: { dailyLimit: 12, loanPeriodDays: 21, services: ['Loan'], suspendedUntil: '2027-01-31' }, auth: { inbound: { securityCode: 's3cret-inbound' } } });
    await admin.reload();
    await admin.getByRole('heading', { level: 1, name: 'Partner ISIL:US-NEW' }).waitFor();
    expect(await admin.content()).not.toContain('s3cret-inbound');
    expect(await admin.getByRole('group', { name: 'Security code the partner sends us' }).textContent()).toContain('A secret is set.');
    expect(await admin.getByLabel('New requests a day at most').inputValue()).toBe('12');
    await expectAccessible(admin, 'partner form');
    // Saving again with the secret left unchanged keeps it.
    await admin.getByLabel('Name').fill('New Partner Library');
    await admin.getByRole('button', { name: 'Save partner' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-NEW'))?.auth).toMatchObject({ inbound: { securityCode: 's3cret-inbound' } });

    await admin.getByRole('link', { name: 'Administration' }).first().click();
    await admin.getByRole('link', { name: 'Partners' }).click();
    const row = admin.getByRole('row', { name: /ISIL:US-NEW/ });
    expect(await row.textContent()).toMatch(/Suspended.*until 2027-01-31/);
    await admin.getByLabel('Status').selectOption('inactive');
    await admin.getByText('No partner matches.').waitFor();
    await admin.getByLabel('Status').selectOption('');
    await admin.getByLabel('Symbol, name, vendor or e-mail').fill('new.example');
    await admin.getByRole('status').filter({ hasText: '1 of 3 partners' }).waitFor();
    await expectAccessible(admin, 'partners list');
  });

  it('imports a directory file with one bad entry: the dry run shows the plan and the rejected path, applying writes the good ones', async () => {
    const file = join(dir, 'directory.yaml');
    writeFileSync(
      file,
      [
        'partners:',
        '  - { symbol: ISIL:US-NEW, name: New Partner Library, iso18626Url: "https://new.example/iso18626", contactEmail: ill@new.example, status: active, policies: { dailyLimit: 30 } }',
        '  - { symbol: ISIL:US-TWO, name: Second Partner, iso18626Url: "https://two.example/iso18626" }',
        '  - { symbol: ISIL:US-BAD, name: Bad Partner, iso18626Url: "ftp://bad.example" }',
        '',
      ].join('\n'),
    );
    await admin.goto(`${server.url}/admin/directory-file`);
    await admin.getByRole('heading', { level: 1, name: 'Directory file' }).waitFor();
    await admin.getByLabel('Directory file (YAML or JSON)').setInputFiles(file);
    await admin.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await admin.getByRole('heading', { name: /^Dry run of directory\.yaml/ }).waitFor();
    expect(await admin.getByText('1 added, 1 changed, 0 unchanged, 1 rejected').count()).toBe(1);
    const rejected = admin.getByRole('region', { name: 'Rejected entries (left out)' });
    expect(await rejected.textContent()).toContain('partners[2].iso18626Url');
    const entries = admin.getByRole('region', { name: 'Entries', exact: true });
    expect(await entries.textContent()).toContain('status: suspended → active');
    expect(await entries.textContent()).toContain('policies.dailyLimit: 12 → 30');
    // The auth block is absent from the file: the plan shows the stored secret going, masked.
    expect(await admin.content()).not.toContain('s3cret-inbound');
    expect(await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-TWO')).toBeUndefined();
    await expectAccessible(admin, 'import dry run');

    await admin.getByRole('button', { name: 'Apply: write 2 entries' }).click();
    await admin.getByRole('heading', { name: 'Applied directory.yaml: 1 added, 1 changed, 0 unchanged, 1 rejected.' }).waitFor();
    expect((await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-TWO'))?.name).toBe('Second Partner');
    expect((await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-NEW'))?.status).toBe('active');
    expect(await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:US-BAD')).toBeUndefined();

    const download = admin.waitForEvent('download');
    await admin.getByRole('link', { name: 'Download as YAML' }).click();
    const saved = join(dir, 'export.yaml');
    await (await download).saveAs(saved);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(saved, 'utf8')).toContain('ISIL:US-TWO');
  });

  it('tests a partner from its page: a marked request and a cancel go out, and the report says what came back', async () => {
    await admin.goto(`${server.url}/admin/partners/ISIL:DK-B`);
    await admin.getByRole('heading', { level: 2, name: 'Test this partner' }).waitFor();
    expect(await admin.getByText('No request is created here').count()).toBe(1);
    const wait = admin.getByLabel('Wait for the partner’s messages (seconds)');
    expect(await wait.inputValue()).toBe('10');
    await wait.fill('2');
    // The server serves two libraries: the admin, for all of them, says which one sends the test.
    await admin.getByLabel('Send the test from').selectOption('ISIL:DK-A');
    const requestsBefore = await (await server.service.lifecycle.db.select().from(requests)).length;
    await admin.getByRole('button', { name: 'Test this partner' }).click();
    await admin.getByRole('status').filter({ hasText: 'Waiting up to 2 s for the partner…' }).waitFor();
    const report = admin.locator('.selftest-report');
    await report.waitFor({ timeout: 60_000 });
    const steps = admin.getByRole('region', { name: 'What the partner answered' });
    expect(await steps.getByRole('row', { name: /Test request/ }).textContent()).toMatch(/^Test requestOKA confirmation with status OK in \d+ ms\.$/);
    expect(await steps.getByRole('row', { name: /Cancel/ }).textContent()).toMatch(/Cancel(OK|Problem)/);
    expect(await report.textContent()).toContain('from ISIL:DK-A as request SELFTEST-');
    expect(await report.textContent()).toMatch(/Messages the partner sent about the test/);
    expect(await report.textContent()).toMatch(/The partner (answered|did not answer) the cancel/);
    await report.getByText('The raw exchange').click();
    expect(await report.locator('pre.raw-xml').first().textContent()).toContain('requestConfirmation');
    // Our side keeps no request of the test.
    expect(await (await server.service.lifecycle.db.select().from(requests)).length).toBe(requestsBefore);
    await admin.getByRole('heading', { level: 2, name: 'How its messages keep to ISO 18626' }).waitFor();
    await admin.getByText(/messages received from it/).waitFor();
    await expectAccessible(admin, 'partner page with a self-test report');

    await admin.goto(`${server.url}/admin/partners/ISIL:DK-NOURL`);
    await admin.getByRole('heading', { level: 2, name: 'Test this partner' }).waitFor();
    expect(await admin.getByRole('button', { name: 'Test this partner' }).isDisabled()).toBe(true);
    expect(await admin.getByText('This partner has no ISO 18626 address').count()).toBe(1);
  });

  it('imports a file of 1,000 partners with a progress bar, then shows the plan, for the dry run and the apply', async () => {
    const file = join(dir, 'large.json');
    writeFileSync(file, JSON.stringify({ partners: Array.from({ length: 1000 }, (_, i) => ({ symbol: `ISIL:DK-L${i}`, name: `Large ${i}` })) }));
    await admin.goto(`${server.url}/admin/directory-file`);
    await admin.getByRole('heading', { level: 1, name: 'Directory file' }).waitFor();
    await admin.getByLabel('Directory file (YAML or JSON)').setInputFiles(file);
    let seen = await recordTexts(admin, '.import-progress span');
    await admin.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await admin.getByRole('heading', { name: /^Dry run of large\.json/ }).waitFor({ timeout: 60_000 });
    expect(await admin.getByText('1000 added, 0 changed, 0 unchanged, 0 rejected').count()).toBe(1);
    expect((await seen()).some((text) => /^Checked \d[\d,]* of 1,000 entries$/.test(text))).toBe(true);
    await expectAccessible(admin, 'large import dry run');

    seen = await recordTexts(admin, '.import-progress span');
    await admin.getByRole('button', { name: 'Apply: write 1,000 entries' }).click();
    await admin.getByRole('heading', { name: 'Applied large.json: 1000 added, 0 changed, 0 unchanged, 0 rejected.' }).waitFor({ timeout: 60_000 });
    expect((await seen()).some((text) => /^Wrote \d[\d,]* of 1,000 entries$/.test(text))).toBe(true);
    expect((await findPartnerBySymbol(server.service.lifecycle.db, 'ISIL:DK-L999'))?.name).toBe('Large 999');
  });

  it('makes an API key shown once with a copy button, and revokes it', async () => {
    await admin.goto(`${server.url}/admin/api-keys`);
    await admin.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await admin.getByLabel('Name', { exact: true }).fill('Discovery layer');
    await admin.getByLabel('Role').selectOption('read-only');
    await admin.getByRole('button', { name: 'Make key' }).click();
    const key = (await admin.getByTestId('made-key').textContent()) ?? '';
    expect(key).toMatch(/^ill_/);
    await admin.getByRole('button', { name: 'Copy the key' }).waitFor();
    await expectAccessible(admin, 'API key made');
    const used = await fetch(`${server.url}/api/v1/partners`, { headers: { authorization: `Bearer ${key}` } });
    expect(used.status).toBe(200);
    await admin.getByRole('button', { name: 'I have copied it' }).click();
    expect(await admin.content()).not.toContain(key);

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: 'Revoke Discovery layer' }).click();
    await admin.getByRole('status').filter({ hasText: 'The key Discovery layer is revoked.' }).waitFor();
    expect((await fetch(`${server.url}/api/v1/partners`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    await expectAccessible(admin, 'API keys');

    await admin.goto(`${server.url}/admin/users`);
    await admin.getByRole('heading', { level: 1, name: 'Staff users' }).waitFor();
    expect(await admin.getByRole('row', { name: /desk/ }).textContent()).toContain('Staff');
    await expectAccessible(admin, 'staff users');
  });

  it('shows a member of staff the same screens read-only', async () => {
    await staff.getByRole('link', { name: 'Administration' }).click();
    await staff.getByText('You can look but not change').waitFor();
    await staff.goto(`${server.url}/admin/partners`);
    await staff.getByRole('link', { name: 'ISIL:US-NEW' }).waitFor();
    expect(await staff.getByRole('link', { name: 'Add a partner' }).count()).toBe(0);
    await staff.getByRole('link', { name: 'ISIL:US-NEW' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Partner ISIL:US-NEW' }).waitFor();
    expect(await staff.getByLabel('Name').isDisabled()).toBe(true);
    expect(await staff.getByRole('button', { name: 'Save partner' }).count()).toBe(0);
    await expectAccessible(staff, 'partner form, read-only');
    await staff.goto(`${server.url}/admin/directory-file`);
    await staff.getByRole('link', { name: 'Download as YAML' }).waitFor();
    expect(await staff.getByRole('button', { name: 'Check the file (dry run)' }).count()).toBe(0);
    await staff.goto(`${server.url}/admin/api-keys`);
    await staff.getByText('Only administrators see this list.').waitFor();
    await expectAccessible(staff, 'API keys, read-only');
  });
});
