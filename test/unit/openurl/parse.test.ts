/**
 * OpenURLs as discovery layers and databases send them to an ILL form, in the formats their
 * documentation gives (Primo, VuFind, EBSCO Discovery, Google Scholar, PubMed, WorldCat, SFX-style
 * 0.1 links), read into a borrowing request's fields. Partial and garbled ones still give a
 * citation to complete, never an error.
 */
import { parseOpenUrl, type Citation } from '../../../protocols/openurl/parse';

const CASES: [string, string, Partial<Citation>][] = [
  [
    'Primo: a book (OpenURL 1.0, book format)',
    'ctx_ver=Z39.88-2004&ctx_enc=info:ofi/enc:UTF-8&rfr_id=info:sid/primo.exlibrisgroup.com&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book&rft.btitle=The+Dispossessed&rft.au=Le+Guin,+Ursula+K.&rft.date=1974&rft.pub=Harper+%26+Row&rft.place=New+York&rft.isbn=9780060512750&rft.edition=1st+ed.&rft_id=info:oclcnum/804106',
    {
      kind: 'book',
      serviceType: 'Loan',
      version: '1.0',
      referrer: 'primo.exlibrisgroup.com',
      bibliographic: { title: 'The Dispossessed', author: 'Le Guin, Ursula K.', publicationDate: '1974', publisher: 'Harper & Row', placeOfPublication: 'New York', isbn: '9780060512750', edition: '1st ed.', oclcNumber: '804106' },
    },
  ],
  [
    'Primo: a journal article with a DOI',
    'ctx_ver=Z39.88-2004&rfr_id=info:sid/primo.exlibrisgroup.com&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=Interlibrary+loan+in+the+digital+age&rft.jtitle=Journal+of+Access+Services&rft.au=Smith,+Jane&rft.date=2019&rft.volume=16&rft.issue=2&rft.spage=45&rft.epage=67&rft.issn=1536-7967&rft_id=info:doi/10.1080/15367967.2019.1234567',
    {
      kind: 'article',
      serviceType: 'Copy',
      bibliographic: {
        title: 'Journal of Access Services',
        titleOfComponent: 'Interlibrary loan in the digital age',
        authorOfComponent: 'Smith, Jane',
        publicationDate: '2019',
        volume: '16',
        issue: '2',
        pagesRequested: '45-67',
        issn: '1536-7967',
        doi: '10.1080/15367967.2019.1234567',
      },
    },
  ],
  [
    'VuFind: a book, url_ver and an encoded generator id',
    'url_ver=Z39.88-2004&ctx_ver=Z39.88-2004&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rfr_id=info%3Asid%2Fvufind.svn.sourceforge.net%3Agenerator&rft.title=Political+theory+%3A+an+introduction&rft.date=2012&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&rft.genre=book&rft.btitle=Political+theory+%3A+an+introduction&rft.au=Heywood%2C+Andrew&rft.pub=Palgrave+Macmillan&rft.edition=4th+ed.&rft.place=Basingstoke&rft.isbn=9780230369948',
    {
      kind: 'book',
      referrer: 'vufind.svn.sourceforge.net:generator',
      bibliographic: { title: 'Political theory : an introduction', author: 'Heywood, Andrew', publicationDate: '2012', publisher: 'Palgrave Macmillan', edition: '4th ed.', placeOfPublication: 'Basingstoke', isbn: '9780230369948' },
    },
  ],
  [
    'a book chapter (bookitem), pages from spage and epage',
    'url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=bookitem&rft.btitle=Handbook+of+Resource+Sharing&rft.atitle=Routing+requests&rft.au=Muster,+Erika&rft.isbn=3-16-148410-X&rft.spage=101&rft.epage=120&rft.date=2024',
    {
      kind: 'chapter',
      serviceType: 'Copy',
      bibliographic: { title: 'Handbook of Resource Sharing', titleOfComponent: 'Routing requests', authorOfComponent: 'Muster, Erika', isbn: '3-16-148410-X', pagesRequested: '101-120', publicationDate: '2024' },
    },
  ],
  [
    'Google Scholar: OpenURL 0.1, sid=google, author as last name and initials',
    'sid=google&auinit=J&aulast=Smith&atitle=Interlibrary+loan+in+the+digital+age&id=doi:10.1080/15367967.2019.1234567&title=Journal+of+Access+Services&volume=16&issue=2&date=2019&spage=45&issn=1536-7967',
    {
      kind: 'article',
      version: '0.1',
      referrer: 'google',
      bibliographic: {
        title: 'Journal of Access Services',
        titleOfComponent: 'Interlibrary loan in the digital age',
        authorOfComponent: 'Smith, J',
        volume: '16',
        issue: '2',
        publicationDate: '2019',
        pagesRequested: '45',
        issn: '1536-7967',
        doi: '10.1080/15367967.2019.1234567',
      },
    },
  ],
  [
    'EBSCO Discovery: 0.1 with upper-case keys, a pages range and id=DOI:',
    'sid=EBSCO:aph&genre=article&ISSN=00222380&ISBN=&volume=45&issue=3&date=20100701&spage=211&pages=211-230&title=Journal+of+Librarianship&atitle=Document+delivery+costs&aulast=Jones&aufirst=Mary&id=DOI:10.1177/0961000610368916',
    {
      kind: 'article',
      version: '0.1',
      referrer: 'EBSCO:aph',
      bibliographic: {
        title: 'Journal of Librarianship',
        titleOfComponent: 'Document delivery costs',
        authorOfComponent: 'Jones, Mary',
        issn: '00222380',
        volume: '45',
        issue: '3',
        publicationDate: '20100701',
        pagesRequested: '211-230',
        doi: '10.1177/0961000610368916',
      },
    },
  ],
  ['PubMed: only an id', 'sid=Entrez:PubMed&id=pmid:19012345', { kind: 'unknown', serviceType: 'Loan', pmid: '19012345', referrer: 'Entrez:PubMed', bibliographic: {} }],
  [
    'WorldCat: a book by OCLC number in rft_id and an ISBN URN',
    'url_ver=Z39.88-2004&rfr_id=info:sid/firstsearch.oclc.org:WorldCat&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.btitle=Earthsea&rft_id=info:oclcnum/44926512&rft_id=urn:ISBN:0689845359',
    { kind: 'book', bibliographic: { title: 'Earthsea', oclcNumber: '44926512', isbn: '0689845359' } },
  ],
  ['a journal issue (no article title): a copy', 'url_ver=Z39.88-2004&rft.genre=issue&rft.jtitle=Nature&rft.volume=580&rft.issue=7801&rft.issn=0028-0836', { kind: 'journal', serviceType: 'Copy', bibliographic: { title: 'Nature', volume: '580', issue: '7801', issn: '0028-0836' } }],
];

describe('reading an OpenURL', () => {
  it.each(CASES)('%s', (_name, query, expected) => {
    expect(parseOpenUrl(query)).toMatchObject(expected);
    if (expected.bibliographic) expect(parseOpenUrl(query).bibliographic).toEqual(expected.bibliographic);
  });

  it('reads a query with its leading "?" as one without', () => {
    expect(parseOpenUrl('?rft.btitle=Earthsea&rft.genre=book')).toEqual(parseOpenUrl('rft.btitle=Earthsea&rft.genre=book'));
  });

  it('tells a chapter from an article by what is given when there is no genre', () => {
    expect(parseOpenUrl('rft.atitle=Chapter+one&rft.btitle=A+book&rft.isbn=9780060512750').kind).toBe('chapter');
    expect(parseOpenUrl('atitle=An+article&title=A+journal&issn=1234-5678').kind).toBe('article');
    expect(parseOpenUrl('title=Just+a+title').kind).toBe('unknown');
  });

  it.each([
    ['nothing at all', ''],
    ['keys without values', 'rft.btitle=&rft.au=&genre='],
    ['junk', '%%%&&==&rft.date=%E0%A4%A'],
    ['control characters and huge values', `rft.btitle=A%00B%0A%0AC&rft.au=${'x'.repeat(5000)}`],
  ])('still gives a citation to complete for %s', (_name, query) => {
    const citation = parseOpenUrl(query);
    expect(['book', 'chapter', 'article', 'journal', 'unknown']).toContain(citation.kind);
    for (const value of Object.values(citation.bibliographic)) {
      // eslint-disable-next-line no-control-regex -- control characters are what must not be there
      expect(value).not.toMatch(/[\u0000-\u001F]/);
      expect(value.length).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps a repeated key’s first value, and drops control characters', () => {
    expect(parseOpenUrl('rft.btitle=First&rft.btitle=Second').bibliographic.title).toBe('First');
    expect(parseOpenUrl('rft.btitle=A%00B%0A%0AC').bibliographic.title).toBe('A B C');
  });
});
