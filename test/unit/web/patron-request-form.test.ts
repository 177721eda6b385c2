/** The patron's request form: what a citation fills in, what stops sending, the body it posts. */
import { checkValues, fieldOfPath, initialValues, requestBody, shownFields } from '../../../web/src/patron/request-form';

const TODAY = '2026-12-02';

describe('the patron request form', () => {
  it('opens a book citation as a loan, with the one pickup place chosen already', () => {
    const values = initialValues({ kind: 'loan', title: 'The Dispossessed', author: 'Le Guin, Ursula K.', isbn: '9780060512750', referrer: 'info:sid/primo.exlibrisgroup.com' }, ['MAIN']);
    expect(values).toMatchObject({ kind: 'loan', pickupLocation: 'MAIN', neededBy: '', note: '', referrer: 'info:sid/primo.exlibrisgroup.com' });
    expect(shownFields(values)).toEqual(['title', 'author', 'edition', 'publisher', 'placeOfPublication', 'publicationDate', 'isbn']);
  });

  it('lets the patron choose among several pickup places, and ignores one the library does not have', () => {
    expect(initialValues({ title: 'X', pickupLocation: 'GONE' }, ['MAIN', 'SCI']).pickupLocation).toBe('');
    expect(initialValues({ title: 'X', pickupLocation: 'SCI' }, ['MAIN', 'SCI']).pickupLocation).toBe('SCI');
  });

  it('opens an article citation as a copy, and shows an identifier the citation gave even where the kind does not ask for it', () => {
    const values = initialValues({ kind: 'copy', articleTitle: 'Anarchy and order', title: 'Journal of Utopian Studies', pmid: '123456' }, []);
    expect(values.kind).toBe('copy');
    expect(shownFields(values)).toEqual(['articleTitle', 'articleAuthor', 'title', 'volume', 'issue', 'pages', 'publicationDate', 'issn', 'doi', 'pmid']);
  });

  it('opens an empty form from no citation at all, to be filled in by hand', () => {
    const values = initialValues(undefined, []);
    expect(values.kind).toBe('loan');
    expect(Object.values(values.bibliographic).every((v) => v === '')).toBe(true);
  });

  it('asks for a title, an article title for a copy, a pickup place, a date after today and a short note', () => {
    const values = initialValues({ kind: 'copy' }, ['MAIN', 'SCI']);
    expect(checkValues({ ...values, neededBy: TODAY, note: 'x'.repeat(501) }, { pickupCodes: ['MAIN', 'SCI'], today: TODAY })).toEqual({
      articleTitle: 'errors.articleTitleMissing',
      title: 'errors.titleMissing',
      pickupLocation: 'errors.pickupMissing',
      neededBy: 'errors.neededByPast',
      note: 'errors.noteTooLong',
    });
    expect(checkValues({ ...values, neededBy: '2026-13-45' }, { pickupCodes: [], today: TODAY }).neededBy).toBe('errors.neededByInvalid');
    const filled = { ...values, kind: 'loan' as const, bibliographic: { ...values.bibliographic, title: 'Walden' }, pickupLocation: 'SCI', neededBy: '2026-12-03' };
    expect(checkValues(filled, { pickupCodes: ['MAIN', 'SCI'], today: TODAY })).toEqual({});
  });

  it('posts what the form shows, trimmed, leaving out what is empty', () => {
    const values = initialValues({ kind: 'copy', title: ' Walden ', articleTitle: 'Economy', pages: '1-40', referrer: 'info:sid/google' }, ['MAIN']);
    // The patron changes their mind and wants the whole book: the article's fields stay on the form (and are sent) until they empty them.
    expect(requestBody({ ...values, kind: 'loan', note: '  thanks ' })).toEqual({ kind: 'loan', title: 'Walden', articleTitle: 'Economy', pages: '1-40', pickupLocation: 'MAIN', note: 'thanks', referrer: 'info:sid/google' });
    expect(requestBody({ ...values, bibliographic: { ...values.bibliographic, articleTitle: '', pages: '' }, kind: 'loan' })).toEqual({ kind: 'loan', title: 'Walden', pickupLocation: 'MAIN', referrer: 'info:sid/google' });
  });

  it('finds the field a server refusal names', () => {
    expect(fieldOfPath('/pickupLocation')).toBe('pickupLocation');
    expect(fieldOfPath('body.neededBy')).toBe('neededBy');
    expect(fieldOfPath('title')).toBe('title');
  });
});
