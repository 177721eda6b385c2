/**
 * Secrets never leave in clear. Two servers play a whole loan with every kind of secret
 * configured: security codes both ways, a custom HTTP header to each partner, the NCIP responder's
 * FromAgencyAuthentication and a patron's PIN, and the staff API keys themselves. Every log line of
 * both servers and every answer the test reads (request list, each request with its timeline,
 * partners, libraries, the NCIP answer) is searched for each secret: none may be found.
 */
import { buildNcip } from '../../protocols/ncip';
import { createLogger } from '../../src/log';
import { createApiKey } from '../../src/services/access/api-keys';
import { lenderRequest, waitForState } from '../helpers/e2e';
import { addPartners, changeLibrarySettings, startInstance, type Instance } from '../helpers/instances';

jest.setTimeout(120_000);

const SECRETS = {
  codeFromA: 'sc-a2b-7f3e91c4',
  codeFromB: 'sc-b2a-0d6a58e2',
  tokenToB: 'tok-a2b-5b1d0c9e',
  tokenToA: 'tok-b2a-c47e2a10',
  ncipResponder: 'ncip-agency-93be71',
  patronPin: 'pin-60613-9931',
};

describe('a loan with secrets configured on both sides', () => {
  const logs: Record<string, string[]> = { a: [], b: [] };
  const answers: { what: string; text: string }[] = [];
  const keys: Record<string, { staff: string; readOnly: string }> = {};
  let a: Instance;
  let b: Instance;

  const capture = (name: string) => createLogger('trace', { write: (line: string) => void logs[name]!.push(line) });

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startInstance('sec-a', ['ISIL:DK-A'], {}, { log: capture('a') }),
      startInstance('sec-b', ['ISIL:DK-B1'], {}, { log: capture('b') }),
    ]);
    await addPartners(a, [{ symbol: 'ISIL:DK-B1', name: 'Lender', at: b, inboundSecret: SECRETS.codeFromB, outboundSecret: SECRETS.codeFromA, httpHeaders: { 'X-Partner-Token': SECRETS.tokenToB } }]);
    await addPartners(b, [{ symbol: 'ISIL:DK-A', name: 'Borrower', at: a, inboundSecret: SECRETS.codeFromA, outboundSecret: SECRETS.codeFromB, httpHeaders: { 'X-Okapi-Token': SECRETS.tokenToA } }]);
    await changeLibrarySettings(a, 'ISIL:DK-A', { ncipResponder: { fromAgencyAuthentication: SECRETS.ncipResponder } });
    for (const [name, instance] of [['a', a], ['b', b]] as const) {
      keys[name] = {
        staff: (await createApiKey(instance.service.lifecycle, { name: 'desk', role: 'staff' })).key,
        readOnly: (await createApiKey(instance.service.lifecycle, { name: 'reports', role: 'read-only' })).key,
      };
    }
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  /** The staff API over HTTP; every answer is kept for the search. */
  async function api<T = Record<string, unknown>>(instance: Instance, key: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${instance.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    answers.push({ what: `${instance.name} ${method} ${path}`, text });
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
  const read = <T = Record<string, unknown>>(instance: Instance, path: string) => api<T>(instance, keys[instance === a ? 'a' : 'b']!.readOnly, 'GET', path);
  async function act(instance: Instance, id: string, action: string, params?: Record<string, unknown>): Promise<void> {
    const { version } = await read(instance, `/requests/${id}`);
    await api(instance, keys[instance === a ? 'a' : 'b']!.staff, 'POST', `/requests/${id}/actions`, { action, version, ...(params ? { params } : {}) });
  }

  it('masks every secret in every answer and every log line of the run', async () => {
    const created = await api(a, keys.a!.staff, 'POST', '/requests', {
      library: 'ISIL:DK-A',
      serviceType: 'Loan',
      bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.' },
      patron: { id: 'P-77', name: 'Shevek' },
      pickupLocation: 'Main desk',
      candidates: [{ symbol: 'ISIL:DK-B1' }],
    });
    const borrowingId = created.id as string;
    const lending = await lenderRequest(b, { requestingAgencyRequestId: created.requestingAgencyRequestId } as never, 'ISIL:DK-B1');

    await act(b, lending.id, 'will_supply');
    await waitForState(a, borrowingId, 'will_supply');
    await act(b, lending.id, 'ship', { dueDate: '2027-03-01T23:59:59Z' });
    await waitForState(a, borrowingId, 'shipped');
    for (const action of ['mark_received', 'check_out', 'mark_returned', 'ship_return']) await act(a, borrowingId, action);
    await waitForState(b, lending.id, 'returned_by_borrower');
    await act(b, lending.id, 'check_in');
    await act(b, lending.id, 'complete');
    await waitForState(a, borrowingId, 'complete');

    // A discovery layer asks about the request over NCIP, with the library's secret and a PIN.
    const lookup = await fetch(`${a.url}/ncip`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: buildNcip({
        messageType: 'LookupRequest',
        initiationHeader: { fromAgencyId: { value: 'VUFIND' }, fromAgencyAuthentication: SECRETS.ncipResponder, toAgencyId: { value: 'DK-A' } },
        authenticationInputs: [{ authenticationInputData: SECRETS.patronPin, authenticationDataFormatType: { value: 'text' }, authenticationInputType: { value: 'PIN' } }],
        requestId: { requestIdentifierValue: borrowingId },
      } as never),
    });
    answers.push({ what: 'a POST /ncip', text: await lookup.text() });
    expect(answers.at(-1)!.text).toContain('LookupRequestResponse');

    for (const instance of [a, b]) {
      const list = (await read<{ items: { id: string }[] }>(instance, '/requests')).items;
      expect(list.length).toBeGreaterThan(0);
      for (const { id } of list) await read(instance, `/requests/${id}`);
      for (const { symbol } of await read<{ symbol: string }[]>(instance, '/partners')) await read(instance, `/partners/${encodeURIComponent(symbol)}`);
      for (const { symbol } of await read<{ symbol: string }[]>(instance, '/libraries')) await read(instance, `/libraries/${encodeURIComponent(symbol)}`);
    }

    // What was searched is the real thing: the messages are there, with their secrets masked.
    const borrowingAnswer = answers.filter((x) => x.what === `${a.name} GET /requests/${borrowingId}`).at(-1)!.text;
    const timeline = (JSON.parse(borrowingAnswer) as { timeline: { kind: string; direction?: string; protocol?: string; rawXml?: string }[] }).timeline;
    const raw = (direction: string, protocol = 'iso18626') => timeline.filter((e) => e.kind === 'message' && e.direction === direction && e.protocol === protocol).map((e) => e.rawXml!);
    expect(raw('out').length).toBeGreaterThanOrEqual(3);
    expect(raw('in').length).toBeGreaterThanOrEqual(3);
    for (const xml of [...raw('out'), ...raw('in')]) expect(xml).toContain('<securityCode>***</securityCode>');
    expect(raw('in', 'ncip')).toEqual([expect.stringMatching(/FromAgencyAuthentication>\*\*\*<[\s\S]*AuthenticationInputData>\*\*\*</)]);
    for (const name of ['a', 'b']) expect(logs[name]!.filter((line) => line.includes('"url":"/iso18626"')).length).toBeGreaterThanOrEqual(3);

    const secrets = { ...SECRETS, ...Object.fromEntries(Object.entries(keys).flatMap(([name, k]) => [[`${name} staff key`, k.staff], [`${name} read-only key`, k.readOnly]])) };
    const found = Object.entries(secrets).flatMap(([name, secret]) => [
      ...answers.filter((x) => x.text.includes(secret)).map((x) => `${name} in the answer to ${x.what}`),
      ...Object.entries(logs).flatMap(([server, lines]) => lines.filter((line) => line.includes(secret)).map((line) => `${name} in a log line of ${server}: ${line.slice(0, 300)}`)),
    ]);
    expect(found).toEqual([]);
  });
});
