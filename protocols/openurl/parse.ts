/**
 * A citation from an OpenURL, as discovery layers and databases send one to a library's ILL
 * form: OpenURL 1.0 key/encoded-value (Z39.88-2004: `rft.btitle`, `rft.atitle`, `rft_id` …) and
 * the older OpenURL 0.1 (`title`, `atitle`, `aulast`, `id=doi:` …), as Primo, VuFind, EBSCO,
 * Google Scholar and PubMed write them. Pure: a query string in, a citation out.
 *
 * It never fails: whatever can be read is read, and a citation that says too little is still a
 * citation, for the patron to complete in the form. Keys are read case-insensitively (EBSCO
 * writes `ISBN`, `id=DOI:`); a key given twice keeps its first value; values are trimmed, control
 * characters dropped and lengths bounded.
 */

/** What the citation is: a whole book (a loan), a part of a book or an article (a copy). */
export type CitationKind = 'book' | 'chapter' | 'article' | 'journal' | 'unknown';

export interface Citation {
  readonly kind: CitationKind;
  /** Loan for a book (or what cannot be told), Copy for a chapter, an article or a journal issue. */
  readonly serviceType: 'Loan' | 'Copy';
  /** Named as a borrowing request's `bibliographic` fields. */
  readonly bibliographic: {
    readonly title?: string;
    readonly author?: string;
    readonly titleOfComponent?: string;
    readonly authorOfComponent?: string;
    readonly edition?: string;
    readonly volume?: string;
    readonly issue?: string;
    readonly pagesRequested?: string;
    readonly publisher?: string;
    readonly placeOfPublication?: string;
    readonly publicationDate?: string;
    readonly isbn?: string;
    readonly issn?: string;
    readonly oclcNumber?: string;
    readonly doi?: string;
  };
  readonly pmid?: string;
  /** Who sent the patron: `rfr_id` (1.0) or `sid` (0.1), e.g. `primo.exlibrisgroup.com`, `google`. */
  readonly referrer?: string;
  /** The OpenURL version it was read as. */
  readonly version: '1.0' | '0.1';
}

const MAX = { title: 1000, author: 500, short: 100, identifier: 200 } as const;

// eslint-disable-next-line no-control-regex -- control characters are what is dropped
const CONTROL = /[\u0000-\u001F\u007F]+/g;

function clean(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text.slice(0, max);
}

/** The query's values by lower-cased key; repeated keys keep every value, in order. */
function valuesOf(query: string | URLSearchParams): Map<string, string[]> {
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    const k = key.trim().toLowerCase();
    values.set(k, [...(values.get(k) ?? []), value]);
  }
  return values;
}

/** An identifier given as a URI or a prefix: `info:doi/10.1/x`, `doi:10.1/x`, `https://doi.org/10.1/x`, `info:oclcnum/123`, `pmid:123`. */
function identifiers(ids: readonly string[]): { doi?: string; oclcNumber?: string; pmid?: string; isbn?: string; issn?: string } {
  const found: { doi?: string; oclcNumber?: string; pmid?: string; isbn?: string; issn?: string } = {};
  for (const raw of ids) {
    const id = raw.trim();
    const match = (re: RegExp) => re.exec(id)?.[1]?.trim();
    found.doi ??= match(/^(?:info:doi\/|doi:|https?:\/\/(?:dx\.)?doi\.org\/)(10\..+)$/i);
    found.oclcNumber ??= match(/^(?:info:oclcnum\/|oclcnum:|\(ocolc\))\s*(\d+)$/i);
    found.pmid ??= match(/^(?:info:pmid\/|pmid:)(\d+)$/i);
    found.isbn ??= match(/^(?:urn:isbn:|info:isbn\/|isbn:)([\dXx-]+)$/i);
    found.issn ??= match(/^(?:urn:issn:|info:issn\/|issn:)([\dXx-]+)$/i);
  }
  return found;
}

const BOOK_GENRES = new Set(['book', 'monograph', 'report', 'document', 'dissertation', 'thesis', 'proceeding', 'conference']);
const CHAPTER_GENRES = new Set(['bookitem', 'chapter', 'proceedingitem', 'conferencepaper', 'inbook']);
const ARTICLE_GENRES = new Set(['article', 'preprint', 'journalarticle', 'contribution']);
const JOURNAL_GENRES = new Set(['journal', 'issue', 'serial']);

function kindOf(genre: string | undefined, format: string | undefined, has: { atitle: boolean; btitle: boolean; jtitle: boolean; isbn: boolean; issn: boolean }): CitationKind {
  const g = genre?.toLowerCase().replace(/[^a-z]/g, '');
  if (g && BOOK_GENRES.has(g)) return has.atitle ? 'chapter' : 'book';
  if (g && CHAPTER_GENRES.has(g)) return 'chapter';
  if (g && ARTICLE_GENRES.has(g)) return 'article';
  if (g && JOURNAL_GENRES.has(g)) return has.atitle ? 'article' : 'journal';
  // No genre, or one not listed: the format and the fields tell.
  const fmt = format?.toLowerCase() ?? '';
  if (has.atitle) return fmt.endsWith(':book') || has.btitle || (has.isbn && !has.issn && !has.jtitle) ? 'chapter' : 'article';
  if (fmt.endsWith(':book') || has.btitle || has.isbn) return 'book';
  if (fmt.endsWith(':journal') || has.jtitle || has.issn) return 'journal';
  return 'unknown';
}

function pages(spage: string | undefined, epage: string | undefined, pagesValue: string | undefined): string | undefined {
  if (pagesValue) return pagesValue;
  if (spage && epage) return `${spage}-${epage}`;
  return spage;
}

function author(au: string | undefined, last: string | undefined, first: string | undefined, initials: string | undefined): string | undefined {
  if (au) return au;
  if (!last) return undefined;
  const given = first ?? initials;
  return given ? `${last}, ${given}` : last;
}

export function parseOpenUrl(query: string | URLSearchParams): Citation {
  const values = valuesOf(query);
  const v1 = [...values.keys()].some((k) => k.startsWith('rft.') || k.startsWith('rft_') || k === 'url_ver' || k === 'ctx_ver');
  // 1.0 prefixes every referent key with `rft.`; 0.1 writes the bare key. Either is read when the other is absent.
  const get = (key: string, max: number): string | undefined => clean((v1 ? (values.get(`rft.${key}`) ?? values.get(key)) : (values.get(key) ?? values.get(`rft.${key}`)))?.find((x) => x.trim() !== ''), max);
  const ids = identifiers([...(values.get('rft_id') ?? []), ...(values.get('id') ?? []), ...(values.get('pid') ?? []), ...(values.get('rft.id') ?? [])]);

  const atitle = get('atitle', MAX.title);
  const btitle = get('btitle', MAX.title);
  const jtitle = get('jtitle', MAX.title) ?? get('stitle', MAX.title);
  const plainTitle = get('title', MAX.title);
  const isbn = clean(get('isbn', MAX.short) ?? ids.isbn, MAX.short);
  const issn = clean(get('issn', MAX.short) ?? get('eissn', MAX.short) ?? ids.issn, MAX.short);
  const kind = kindOf(get('genre', MAX.short), clean(values.get('rft_val_fmt')?.[0], MAX.short), { atitle: !!atitle, btitle: !!btitle, jtitle: !!jtitle, isbn: !!isbn, issn: !!issn });
  const by = author(get('au', MAX.author), get('aulast', MAX.author), get('aufirst', MAX.author), get('auinit', MAX.short)) ?? get('aucorp', MAX.author);

  // A part (a chapter or an article): its own title and author, in the book or journal it is in.
  const part = kind === 'chapter' || kind === 'article';
  const container = kind === 'chapter' ? (btitle ?? plainTitle) : kind === 'article' || kind === 'journal' ? (jtitle ?? plainTitle) : (btitle ?? plainTitle ?? jtitle);
  const bibliographic = {
    ...(container ? { title: container } : part && atitle ? {} : atitle ? { title: atitle } : {}),
    ...(part ? { ...(atitle ? { titleOfComponent: atitle } : {}), ...(by ? { authorOfComponent: by } : {}) } : by ? { author: by } : {}),
    ...optional('edition', get('edition', MAX.short)),
    ...optional('volume', get('volume', MAX.short)),
    ...optional('issue', get('issue', MAX.short)),
    ...optional('pagesRequested', clean(pages(get('spage', MAX.short), get('epage', MAX.short), get('pages', MAX.short)), MAX.short)),
    ...optional('publisher', get('pub', MAX.author) ?? get('publisher', MAX.author)),
    ...optional('placeOfPublication', get('place', MAX.author)),
    ...optional('publicationDate', get('date', MAX.short) ?? get('year', MAX.short)),
    ...optional('isbn', isbn),
    ...optional('issn', issn),
    ...optional('oclcNumber', clean(ids.oclcNumber ?? get('oclcnum', MAX.short), MAX.short)),
    ...optional('doi', clean(ids.doi ?? get('doi', MAX.identifier), MAX.identifier)),
  };
  const referrer = clean((values.get('rfr_id')?.[0] ?? values.get('sid')?.[0])?.replace(/^info:sid\//i, ''), MAX.identifier);
  return {
    kind,
    serviceType: kind === 'book' || kind === 'unknown' ? 'Loan' : 'Copy',
    bibliographic,
    ...(ids.pmid ? { pmid: ids.pmid } : {}),
    ...(referrer ? { referrer } : {}),
    version: v1 ? '1.0' : '0.1',
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
