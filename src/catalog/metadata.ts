/**
 * What staff type into a request form, read from a bibliographic record. Pure. Names follow the
 * stored bibliographic data (src/store/request-data.ts), so the result fills it as it is.
 * 245 $a $b the title · 100/110 $a, else the first 700/710, the author · 250 $a the edition ·
 * 264 (the publication statement, second indicator 1, before any other 264), else 260: place
 * $a, publisher $b, date $c · 020 $a ISBNs, 022 $a ISSNs, 035 $a `(OCoLC)` OCLC numbers ·
 * 001 the record id. ISBD punctuation that ends a subfield (` /`, ` :`, `;`, a final full stop
 * after a word), and the brackets round a supplied date (`[2001]`) are dropped.
 */
import { compact } from './compact';
import { isbnForms, normaliseIssn, normaliseOclcNumber } from './identifiers';
import { fieldsTagged, subfield, subfields, type DataField, type MarcRecord } from './marc';

export interface ItemMetadata {
  readonly title?: string;
  readonly author?: string;
  readonly edition?: string;
  readonly publisher?: string;
  readonly placeOfPublication?: string;
  readonly publicationDate?: string;
  readonly isbns: readonly string[];
  readonly issns: readonly string[];
  readonly oclcNumbers: readonly string[];
  readonly recordId?: string;
}

export function itemMetadata(record: MarcRecord): ItemMetadata {
  const first = (tag: string) => fieldsTagged(record, tag)[0];
  const title245 = first('245');
  const title = title245 ? [subfield(title245, 'a'), subfield(title245, 'b')].map(clean).filter(Boolean).join(' : ') : undefined;
  const authorField = first('100') ?? first('110') ?? first('700') ?? first('710');
  const author = authorField ? clean([subfield(authorField, 'a'), authorField.tag.endsWith('10') ? subfield(authorField, 'b') : undefined].filter(Boolean).join(' ')) : undefined;
  const imprint = publicationField(record);
  const out: ItemMetadata = {
    title: title || undefined,
    author: author || undefined,
    edition: clean(first('250') && subfield(first('250')!, 'a')),
    placeOfPublication: clean(imprint && subfield(imprint, 'a')),
    publisher: clean(imprint && subfield(imprint, 'b')),
    publicationDate: clean(imprint && subfield(imprint, 'c')),
    recordId: record.controlFields.get('001') || undefined,
    isbns: unique(fieldsTagged(record, '020').flatMap((f) => subfields(f, 'a').map((v) => isbnForms(v, false)[0]))),
    issns: unique(fieldsTagged(record, '022').flatMap((f) => subfields(f, 'a').map(normaliseIssn))),
    oclcNumbers: unique(fieldsTagged(record, '035').flatMap((f) => subfields(f, 'a').filter((v) => /^\s*\(OCoLC\)/i.test(v)).map(normaliseOclcNumber))),
  };
  return compact(out);
}

function publicationField(record: MarcRecord): DataField | undefined {
  const rda = fieldsTagged(record, '264');
  return rda.find((f) => f.ind2 === '1') ?? rda[0] ?? fieldsTagged(record, '260')[0];
}

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A final full stop goes after a word of two letters or more, so that initials ("J.") stay.
  const out = value.replace(/[\s/:;,=]+$/, '').replace(/(\p{L}{2,}|\d|[)\]])\.$/u, '$1').replace(/^\[([^[\]]*)\]$/, '$1').trim();
  return out === '' ? undefined : out;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
