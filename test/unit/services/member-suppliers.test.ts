import { planRota } from '../../../src/domain/routing';
import { routingDirectory } from '../../../src/services/borrowing/member-suppliers';
import type { LibraryRow } from '../../../src/store/libraries';
import type { PartnerRow } from '../../../src/store/partners';

const at = new Date('2026-12-01T10:00:00Z');
const library = (id: string, symbol: string, settings: Record<string, unknown> = {}): LibraryRow => ({ id, symbol, name: `Library ${symbol}`, settings, createdAt: at, updatedAt: at });
const partner = (symbol: string, changes: Partial<PartnerRow> = {}): PartnerRow => ({
  id: `p-${symbol}`,
  symbol,
  name: `Partner ${symbol}`,
  iso18626Url: null,
  auth: {},
  policies: {},
  vendor: null,
  contactEmail: null,
  status: 'active',
  protocolVersion: '1.2',
  createdAt: at,
  updatedAt: at,
  ...changes,
});

const route = (directory: ReturnType<typeof routingDirectory>, requester: string) =>
  planRota({ requester, serviceType: 'Loan', directory, load: {}, strategy: 'as_given', roundRobinSeed: 0, today: '2026-12-01' }).explanation;

describe('the directory routing chooses from', () => {
  const a = library('a', 'ISIL:DK-1');
  const b = library('b', 'ISIL:DK-2', { lending: { services: ['Copy'] } });
  const c = library('c', 'ISIL:DK-3');

  it('holds every other member library, with its settings.lending as its policies, in symbol order among the partners', () => {
    const directory = routingDirectory([partner('ISIL:DK-25')], [a, b, c], a);
    expect(directory.map((e) => e.symbol)).toEqual(['ISIL:DK-2', 'ISIL:DK-25', 'ISIL:DK-3']);
    expect(route(directory, a.symbol)).toEqual([
      { symbol: 'ISIL:DK-25', kept: true, rank: 1, reason: 'position 2 in the directory (no candidates were given)' },
      { symbol: 'ISIL:DK-3', kept: true, rank: 2, reason: 'position 3 in the directory (no candidates were given)' },
      { symbol: 'ISIL:DK-2', kept: false, reason: 'does not supply loans' },
    ]);
  });

  it('lets a partner entry of a member library’s symbol win, with its status and policies', () => {
    const directory = routingDirectory([partner('ISIL:DK-3', { status: 'suspended' })], [a, b, c], a);
    expect(directory.filter((e) => e.symbol === 'ISIL:DK-3')).toEqual([{ symbol: 'ISIL:DK-3', name: 'Partner ISIL:DK-3', status: 'suspended', policies: {} }]);
  });

  it('never holds the library routed for, also when a broker hub routes under its requester’s symbol', () => {
    const hub = library('hub', 'ISIL:DK-9', { broker: { mode: 'opaque' } });
    const directory = routingDirectory([], [a, b, hub], { ...hub, symbol: a.symbol });
    expect(directory.map((e) => e.symbol)).toEqual(['ISIL:DK-1', 'ISIL:DK-2']);
    expect(route(directory, a.symbol).find((v) => v.symbol === a.symbol)).toEqual({ symbol: a.symbol, kept: false, reason: 'is the requesting library itself' });
  });
});
