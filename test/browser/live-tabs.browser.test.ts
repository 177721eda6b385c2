/**
 * Staff keep many tabs of the interface open (a queue beside the requests they work on). A
 * browser opens at most six connections to one server over HTTP/1.1 and an event stream holds
 * one, so the tabs of one browser share a single stream: the eighth tab still loads, every tab
 * hears a colleague's change without a reload, and when the tab holding the stream closes,
 * another one takes it over.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApiKey } from '../../src/services/access/api-keys';
import { createBorrowingRequest, parseBorrowingRequest } from '../../src/services/borrowing/borrowing';
import { expectQueueCount, launchBrowser, makeUser, openQueues, queueCount, signIn } from '../helpers/browser';
import { startInstance, type Instance } from '../helpers/instances';
import { eventually } from '../helpers/queues';

jest.setTimeout(180_000);

const TABS = 8;
const WAITING = 'Waiting for a lender';

describe('tabs of one browser', () => {
  let server: Instance;
  let browser: Browser;
  let context: BrowserContext;
  const tabs: Page[] = [];
  /** Event-stream requests of the browser still open (an event stream ends only when closed). */
  const openStreams = new Set<unknown>();

  const aColleagueAsksForABook = (title: string) =>
    createBorrowingRequest(
      server.service.lifecycle,
      server.libraryIds['ISIL:DK-A']!,
      parseBorrowingRequest({ serviceType: 'Loan', bibliographic: { title }, patron: { id: 'P-1' }, candidates: [{ symbol: 'ISIL:DK-B1' }] }),
      'staff:colleague',
      { channel: 'staff' },
    );

  beforeAll(async () => {
    server = await startInstance('tabs', ['ISIL:DK-A', 'ISIL:DK-B1']);
    const key = (await createApiKey(server.service.lifecycle, { name: 'test admin', role: 'admin' })).key;
    await makeUser(server, key, { username: 'bo', displayName: 'Bo Borrower', role: 'staff', library: 'ISIL:DK-A' });
    browser = await launchBrowser();
    context = await browser.newContext();
    context.on('request', (req) => {
      if (!new URL(req.url()).pathname.endsWith('/api/v1/events')) return;
      openStreams.add(req);
      const ended = () => openStreams.delete(req);
      req.response().then(
        (res) => res?.finished().then(ended, ended),
        ended,
      );
    });
    const first = await context.newPage();
    await signIn(first, server, 'bo');
    tabs.push(first);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it(`loads in every one of ${TABS} tabs, over one event stream`, async () => {
    for (let i = tabs.length; i < TABS; i++) {
      const tab = await context.newPage();
      await openQueues(tab, server);
      await tab.getByRole('link', { name: new RegExp(`^${WAITING}\\b`) }).waitFor();
      tabs.push(tab);
    }
    await eventually(async () => openStreams.size === 1, 10_000).catch(() => {
      throw new Error(`${openStreams.size} event streams open, expected 1`);
    });
    for (const tab of tabs) await tab.getByText('Live', { exact: true }).waitFor();
  });

  it('shows a colleague’s new request in every tab, the one holding the stream and the others', async () => {
    const before = await queueCount(tabs[TABS - 1]!, WAITING);
    await aColleagueAsksForABook('The Left Hand of Darkness');
    for (const tab of tabs) await expectQueueCount(tab, WAITING, before + 1);
  });

  it('goes on live in the other tabs when the tab holding the stream closes', async () => {
    // The first tab signed in, so it took the stream.
    await tabs.shift()!.close();
    const before = await queueCount(tabs[0]!, WAITING);
    await aColleagueAsksForABook('The Lathe of Heaven');
    for (const tab of tabs) await expectQueueCount(tab, WAITING, before + 1);
    expect(openStreams.size).toBe(1);
  });
});
