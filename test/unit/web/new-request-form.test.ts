/** The new borrowing request form: the body it posts, when the routing preview asks, where a 400 lands. */
import { dryRunQuery, fieldOfError, filledFrom, lookupIdentifiers, previewable, requestBody, type NewRequestValues } from '../../../web/src/new-request/form';

const form = (fields: Record<string, string>, more: Partial<NewRequestValues> = {}): NewRequestValues => ({ kind: 'book', library: '', serviceType: 'Loan', fields, ...more });

describe('the new request body', () => {
  it('leaves empty fields out and sends a book without the copy fields', () => {
    expect(requestBody(form({ 'bibliographic.title': ' Gödel, Escher, Bach ', 'bibliographic.volume': '3', 'patron.id': 'P1', 'patron.email': '', pickupLocation: 'MAIN', candidates: '' }))).toEqual({
      serviceType: 'Loan',
      bibliographic: { title: 'Gödel, Escher, Bach' },
      patron: { id: 'P1' },
      pickupLocation: 'MAIN',
      candidates: [],
    });
  });

  it('sends a maximum cost with its currency only when an amount is given', () => {
    const fields = { 'bibliographic.title': 'Silent Spring', 'patron.id': 'P1' };
    expect(requestBody(form({ ...fields, 'maxCost.monetaryValue': '25.00', 'maxCost.currencyCode': 'eur' })).maxCost).toEqual({ monetaryValue: '25.00', currencyCode: 'EUR' });
    expect(requestBody(form({ ...fields, 'maxCost.monetaryValue': '', 'maxCost.currencyCode': 'EUR' })).maxCost).toBeUndefined();
  });

  it('a copy carries the article, journal, volume, issue and pages; lenders become candidates', () => {
    const body = requestBody(
      form(
        { 'bibliographic.titleOfComponent': 'On computable numbers', 'bibliographic.title': 'Proc. London Math. Soc.', 'bibliographic.volume': '42', 'bibliographic.issue': '1', 'bibliographic.pagesRequested': '230-265', 'patron.id': 'P1', neededBy: '2027-01-31', candidates: 'ISIL:DK-1, ISIL:DK-2' },
        { kind: 'copy', serviceType: 'Copy', library: 'ISIL:DK-100' },
      ),
    );
    expect(body).toEqual({
      library: 'ISIL:DK-100',
      serviceType: 'Copy',
      bibliographic: { titleOfComponent: 'On computable numbers', title: 'Proc. London Math. Soc.', volume: '42', issue: '1', pagesRequested: '230-265' },
      patron: { id: 'P1' },
      neededBy: '2027-01-31',
      candidates: [{ symbol: 'ISIL:DK-1' }, { symbol: 'ISIL:DK-2' }],
    });
  });
});

describe('the routing preview', () => {
  it('asks once the item is named by a title or an identifier, and not while a lender symbol is half typed', () => {
    expect(previewable(form({ 'patron.id': 'P1' }))).toBe(false);
    expect(previewable(form({ 'bibliographic.isbn': '9780465026562' }))).toBe(true);
    expect(previewable(form({ 'bibliographic.title': 'GEB', candidates: 'ISIL:DK-1, ISI' }))).toBe(false);
  });

  it('sends what routing depends on: library, service type, lenders; without lenders, what the catalogues are asked for', () => {
    expect(dryRunQuery(form({ 'bibliographic.title': 'GEB', candidates: 'ISIL:DK-1' }, { library: 'ISIL:DK-100', serviceType: 'CopyOrLoan' }))).toEqual({ library: 'ISIL:DK-100', serviceType: 'CopyOrLoan', candidates: [{ symbol: 'ISIL:DK-1' }] });
    expect(dryRunQuery(form({ 'bibliographic.title': 'GEB', 'bibliographic.isbn': '9780465026562', 'bibliographic.publisher': 'Basic Books' }))).toEqual({ serviceType: 'Loan', bibliographic: { title: 'GEB', isbn: '9780465026562' } });
  });
});

describe('a 400 on the form', () => {
  it('puts each error on its field: the "title or identifier" rule on the title, a bad lender on the lenders', () => {
    expect(fieldOfError('patron.email', 'book')).toBe('patron.email');
    expect(fieldOfError('bibliographic', 'book')).toBe('bibliographic.title');
    expect(fieldOfError('candidates.1.symbol', 'book')).toBe('candidates');
    expect(fieldOfError('somethingElse', 'book')).toBe('');
  });
});

describe('filling the form from the catalogue', () => {
  it('looks up by the identifiers typed, and not without one', () => {
    expect(lookupIdentifiers(form({ 'bibliographic.title': 'GEB' }))).toBeUndefined();
    expect(lookupIdentifiers(form({ 'bibliographic.isbn': ' 9780465026562 ', 'bibliographic.oclcNumber': '4495' }))).toEqual({ isbn: '9780465026562', oclcNumber: '4495' });
  });

  it('fills only the fields still empty, keeping what staff typed', () => {
    const record = { title: 'Gödel, Escher, Bach', author: 'Hofstadter, Douglas R.', publisher: 'Basic Books', publicationDate: '1979', isbns: ['9780465026562', '0465026567'], issns: [], oclcNumbers: ['4495'] };
    expect(filledFrom({ 'bibliographic.isbn': '0465026567', 'bibliographic.title': 'GEB', 'bibliographic.author': ' ' }, record)).toEqual({
      'bibliographic.isbn': '0465026567',
      'bibliographic.title': 'GEB',
      'bibliographic.author': 'Hofstadter, Douglas R.',
      'bibliographic.publisher': 'Basic Books',
      'bibliographic.publicationDate': '1979',
      'bibliographic.oclcNumber': '4495',
    });
  });
});
