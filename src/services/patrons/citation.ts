/**
 * What a discovery layer's OpenURL fills in of the patron's request form. The citation is read by
 * protocols/openurl/parse.ts (which never fails); here it is put in the form's fields, each
 * within the length the form takes, so a patron who submits it unchanged is never refused for
 * what the link resolver sent. A bad or partial citation is a form with less filled in.
 */
import { parseOpenUrl, type Citation } from '../../../protocols/openurl/parse';
import { PATRON_FIELD_LIMITS } from './requests';

/** The fields of POST /patron/requests that a citation can fill. */
export interface CitationForm {
  readonly kind: 'loan' | 'copy';
  readonly title?: string;
  readonly author?: string;
  readonly isbn?: string;
  readonly issn?: string;
  readonly oclcNumber?: string;
  readonly doi?: string;
  readonly pmid?: string;
  readonly publisher?: string;
  readonly placeOfPublication?: string;
  readonly publicationDate?: string;
  readonly edition?: string;
  readonly articleTitle?: string;
  readonly articleAuthor?: string;
  readonly volume?: string;
  readonly issue?: string;
  readonly pages?: string;
  readonly referrer?: string;
}

type Field = Exclude<keyof CitationForm, 'kind'>;

/** Text is cut at the field's length; an identifier too long to be one is left for the patron to type. */
const IDENTIFIERS: ReadonlySet<Field> = new Set(['isbn', 'issn', 'oclcNumber', 'doi', 'pmid']);

function fit(field: Field, value: string | undefined): Partial<CitationForm> {
  if (value === undefined) return {};
  const max = PATRON_FIELD_LIMITS[field];
  if (value.length <= max) return { [field]: value };
  return IDENTIFIERS.has(field) ? {} : { [field]: value.slice(0, max).trimEnd() };
}

export function citationFormOf(citation: Citation): CitationForm {
  const b = citation.bibliographic;
  // An article in a journal or a chapter in a book: the container is the title, the part the article.
  const title = b.title ?? b.titleOfComponent;
  const articleTitle = b.title ? b.titleOfComponent : undefined;
  return {
    kind: citation.serviceType === 'Copy' ? 'copy' : 'loan',
    ...fit('title', title),
    ...fit('author', b.author),
    ...fit('articleTitle', articleTitle),
    ...fit('articleAuthor', b.authorOfComponent),
    ...fit('edition', b.edition),
    ...fit('volume', b.volume),
    ...fit('issue', b.issue),
    ...fit('pages', b.pagesRequested),
    ...fit('publisher', b.publisher),
    ...fit('placeOfPublication', b.placeOfPublication),
    ...fit('publicationDate', b.publicationDate),
    ...fit('isbn', b.isbn),
    ...fit('issn', b.issn),
    ...fit('oclcNumber', b.oclcNumber),
    ...fit('doi', b.doi),
    ...fit('pmid', citation.pmid),
    ...fit('referrer', citation.referrer),
  };
}

/** GET /patron/citation: the OpenURL's own query string, as the patron's browser brought it (a key may repeat: rft_id). */
export function citationFromQuery(query: string): { citation: Citation; form: CitationForm } {
  const citation = parseOpenUrl(query);
  return { citation, form: citationFormOf(citation) };
}
