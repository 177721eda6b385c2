/**
 * A real Chromium for the staff interface's tests, driven by playwright-core: Debian's
 * `chromium` (CHROMIUM_PATH overrides), headless, with the flags that work on our machines
 * (../shared/ENVIRONMENT.md). Playwright gives every launch a fresh profile.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Instance } from './instances';
import { eventually } from './queues';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  // Tests keep several tabs open at once (a queue screen beside a request): none is throttled as a background tab.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (npm test does, as root) or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules).
 * The script is evaluated, not added as a <script> element, so the page's CSP does not stop it.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The password every browser test's staff users get. */
export const PASSWORD = 'correct horse battery staple';

/** A staff user made through the staff API with an admin key, as an administrator would. */
export async function makeUser(instance: Instance, key: string, user: { username: string; displayName: string; role: string; library?: string }): Promise<void> {
  const res = await fetch(`${instance.url}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`POST /users answered ${res.status}: ${await res.text()}`);
}

/** Signs in through the sign-in screen and waits for the signed-in layout. */
export async function signIn(page: Page, instance: Instance, username: string): Promise<void> {
  await page.goto(`${instance.url}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** The count shown on the queue screen for the queue named `name`. */
export async function queueCount(page: Page, name: string): Promise<number> {
  const link = page.getByRole('link', { name: new RegExp(`^${name}\\b`) });
  const text = (await link.textContent()) ?? '';
  const match = /(\d+)\s*$/.exec(text.trim());
  if (!match) throw new Error(`no count in the queue link "${text}"`);
  return Number(match[1]);
}

/** Waits until the queue screen (already open, never reloaded) shows `expected` for the queue. */
export async function expectQueueCount(page: Page, name: string, expected: number): Promise<void> {
  await eventually(async () => (await queueCount(page, name)) === expected, 30_000).catch(async () => {
    throw new Error(`queue "${name}" shows ${await queueCount(page, name)}, expected ${expected}`);
  });
}

export async function openQueues(page: Page, instance: Instance): Promise<void> {
  await page.goto(`${instance.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Waits until the open request page says the request is in the state named so in plain words. */
export async function expectState(page: Page, stateText: string): Promise<void> {
  await page.locator('.request-state', { hasText: new RegExp(`· ${stateText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();
}

/** Clicks the action's button on the open request page and waits until the page shows the new state. */
export async function act(page: Page, action: string, stateText: string): Promise<void> {
  await page.getByRole('button', { name: action, exact: true }).click();
  await expectState(page, stateText);
}
