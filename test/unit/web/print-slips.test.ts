/** What pull slips and book bands say and the order slips print in, as pure functions of a request. */
import { printSource } from '../../../web/src/print/source';
import { bookBandOf, pullSlipOf, sheets, sortPullSlips } from '../../../web/src/print/slips';
import type { RequestRow } from '../../../web/src/components/requests';


let n = 0;
function request(more: Partial<RequestRow> & { data?: RequestRow['data'] }): RequestRow {
  n += 1;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    role: 'supplier',
    state: 'will_supply',
    serviceType: 'Loan',
    library: 'ISIL:DK-B1',
    requestingAgencyId: 'ISIL:DK-A',
    requestingAgencyRequestId: `A-${n}`,
    requestNumber: String(1000 + n),
    supplyingAgencyId: 'ISIL:DK-B1',
    supplyingAgencyRequestId: id,
    partner: 'ISIL:DK-A',
    needsAttention: false,
    actions: [],
    version: 1,
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    data: {},
    ...more,
  } as RequestRow;
}

describe('pull slips', () => {
  it('say what to pull, from where, for whom and by when, with the id the scan box finds and the number staff search for', () => {
    const row = request({
      data: {
        bibliographic: { title: 'Gödel, Escher, Bach', author: 'Hofstadter, Douglas' },
        holding: { callNumber: 'QA9.8 .H63', summaryHoldings: 'Main stacks, floor 2' },
        requestingAgency: { name: 'Borrower library' },
        neededBy: '2026-12-24',
        serviceLevel: 'Express',
      } as RequestRow['data'],
    });
    expect(pullSlipOf(row)).toMatchObject({
      title: 'Gödel, Escher, Bach',
      author: 'Hofstadter, Douglas',
      callNumber: 'QA9.8 .H63',
      location: 'Main stacks, floor 2',
      requester: 'Borrower library',
      requesterSymbol: 'ISIL:DK-A',
      needBefore: '2026-12-24',
      ourRequestId: row.supplyingAgencyRequestId,
      theirRequestId: row.requestingAgencyRequestId,
      requestNumber: row.requestNumber,
      serviceLevel: 'Express',
    });
  });

  it('a requester that sent no agency info is named by its symbol', () => {
    expect(pullSlipOf(request({})).requester).toBe('ISIL:DK-A');
  });

  it('come out by location, then call number with numbers compared as numbers; slips without either go last', () => {
    const at = (location: string | undefined, callNumber: string | undefined) =>
      pullSlipOf(request({ data: { holding: { ...(location ? { summaryHoldings: location } : {}), ...(callNumber ? { callNumber } : {}) } } as RequestRow['data'] }));
    const slips = [at('Stacks', 'QA 100'), at(undefined, 'AA 1'), at('Annex', 'Z 9'), at('Stacks', 'QA 76'), at('Stacks', undefined), at('annex', 'B 2')];
    expect(sortPullSlips(slips).map((s) => `${s.location ?? '-'} ${s.callNumber ?? '-'}`)).toEqual(['annex B 2', 'Annex Z 9', 'Stacks QA 76', 'Stacks QA 100', 'Stacks -', '- AA 1']);
  });

  it('are laid out three to a sheet; a last short sheet holds the rest', () => {
    expect(sheets([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(sheets([], 3)).toEqual([]);
  });
});

describe('book bands', () => {
  const borrowing = (data: RequestRow['data']) =>
    request({ role: 'requester', state: 'received', library: 'ISIL:DK-A', requestingAgencyId: 'ISIL:DK-A', requestingAgencyRequestId: 'OUR-1', supplyingAgencyId: 'ISIL:DK-B1', supplyingAgencyRequestId: 'LENDER-7', requestNumber: '241', data });

  it('name the patron, the pickup desk by its name, the request number the patron’s mail quotes, the due date in the library’s zone, where it goes back and the temporary barcode', () => {
    const band = bookBandOf(
      borrowing({
        bibliographic: { title: 'A book' },
        patron: { id: 'P-42', givenName: 'Ada', surname: 'Lovelace' },
        pickupLocation: 'MAIN',
        // 23:30 UTC on the 28th is already the 29th in Copenhagen.
        lifecycle: { serviceType: 'Loan', dueDate: '2026-12-28T23:30:00Z' },
        returnTo: { agency: 'ISIL:DK-B1', name: 'Lender one, ILL', address: { line1: 'Main street 1', postalCode: '8000', locality: 'Aarhus', country: 'DK' } },
        ncip: { itemId: 'TMP-0042' },
      } as RequestRow['data']),
      [{ code: 'MAIN', name: 'Main library, lending desk' }],
      'Europe/Copenhagen',
    );
    expect(band).toMatchObject({
      patronName: 'Ada Lovelace',
      patronId: 'P-42',
      pickupLocation: 'Main library, lending desk',
      dueDate: '29 Dec 2026',
      returnTo: ['Lender one, ILL', 'Main street 1', '8000 Aarhus', 'DK'],
      temporaryBarcode: 'TMP-0042',
      lenderRequestId: 'LENDER-7',
      lender: 'ISIL:DK-B1',
      ourRequestId: 'OUR-1',
      requestNumber: '241',
    });
  });

  it('a pickup code the library’s settings do not name prints as the code; no due date yet prints none', () => {
    const band = bookBandOf(borrowing({ patron: { id: 'P-1' }, pickupLocation: 'BRANCH' } as RequestRow['data']), [], null);
    expect(band).toMatchObject({ pickupLocation: 'BRANCH', dueDate: undefined, patronName: undefined, temporaryBarcode: undefined, returnTo: [] });
  });
});

describe('what a print page prints', () => {
  it('chosen ids (deduplicated) win over a queue; neither is nothing', () => {
    expect(printSource(new URLSearchParams('ids=a,b,,a&queue=lending.to-pull'))).toEqual({ kind: 'ids', ids: ['a', 'b'] });
    expect(printSource(new URLSearchParams('queue=lending.to-pull'))).toEqual({ kind: 'queue', queue: 'lending.to-pull' });
    expect(printSource(new URLSearchParams(''))).toBeUndefined();
  });
});
