/**
 * What an OpenURL fills in of the patron's request form: a book is a loan with its title, an
 * article or a chapter a copy in its journal or book; and whatever the link resolver sent, the
 * form it gives is one the request route takes unchanged once it has a title.
 */
import { citationFromQuery } from '../../../src/services/patrons/citation';
import { patronRequestInputSchema } from '../../../src/services/patrons/requests';

const OPENURLS: [string, string, Record<string, string>][] = [
  [
    'Primo: a book',
    'ctx_ver=Z39.88-2004&rfr_id=info:sid/primo.exlibrisgroup.com&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book&rft.btitle=The+Dispossessed&rft.au=Le+Guin,+Ursula+K.&rft.date=1974&rft.pub=Harper+%26+Row&rft.isbn=9780060512750&rft_id=info:oclcnum/804106',
    { kind: 'loan', title: 'The Dispossessed', author: 'Le Guin, Ursula K.', publicationDate: '1974', publisher: 'Harper & Row', isbn: '9780060512750', oclcNumber: '804106', referrer: 'primo.exlibrisgroup.com' },
  ],
  [
    'a book chapter',
    'url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=bookitem&rft.btitle=Handbook+of+Resource+Sharing&rft.atitle=Routing+requests&rft.au=Muster,+Erika&rft.isbn=3-16-148410-X&rft.spage=101&rft.epage=120',
    { kind: 'copy', title: 'Handbook of Resource Sharing', articleTitle: 'Routing requests', articleAuthor: 'Muster, Erika', isbn: '3-16-148410-X', pages: '101-120' },
  ],
  [
    'Google Scholar: an article in OpenURL 0.1',
    'sid=google&auinit=J&aulast=Smith&atitle=Interlibrary+loan+in+the+digital+age&id=doi:10.1080/15367967.2019.1234567&title=Journal+of+Access+Services&volume=16&issue=2&date=2019&spage=45&issn=1536-7967',
    {
      kind: 'copy',
      title: 'Journal of Access Services',
      articleTitle: 'Interlibrary loan in the digital age',
      articleAuthor: 'Smith, J',
      volume: '16',
      issue: '2',
      publicationDate: '2019',
      pages: '45',
      issn: '1536-7967',
      doi: '10.1080/15367967.2019.1234567',
      referrer: 'google',
    },
  ],
  ['PubMed: an article with a PMID only', 'sid=Entrez:PubMed&id=pmid:11237011', { kind: 'loan', pmid: '11237011', referrer: 'Entrez:PubMed' }],
  ['an article without its journal', 'rft.genre=article&rft.atitle=A+lone+article', { kind: 'copy', title: 'A lone article' }],
];

describe('the request form an OpenURL fills', () => {
  it.each(OPENURLS)('%s', (_name, query, form) => {
    expect(citationFromQuery(query).form).toEqual(form);
  });

  it.each([
    ...OPENURLS.map(([name, query]) => [name, query]),
    ['too long for the form', `title=${'x'.repeat(5000)}&aulast=${'y'.repeat(900)}&isbn=${'9'.repeat(30)}&volume=${'1'.repeat(300)}&sid=${'s'.repeat(300)}`],
    ['garbage', 'title=%00%01&isbn=&&&=x&rft_id=nonsense'],
  ])('gives a form the request route takes as it is, given a title (%s)', (_name, query) => {
    const { form } = citationFromQuery(query!);
    expect(patronRequestInputSchema.safeParse({ title: 'A title the patron typed', ...form }).error?.issues).toBeUndefined();
  });
});
