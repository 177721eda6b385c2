import { buildCql, quoteTerm } from '../../../src/catalog/cql';
import { isbnForms, normaliseIssn, normaliseOclcNumber } from '../../../src/catalog/identifiers';
import { catalogueSourceSchema } from '../../../src/catalog/settings';

const source = (indexes: Record<string, string | string[]>, extra: Record<string, unknown> = {}) =>
  catalogueSourceSchema.parse({ url: 'https://sru.example.org/sru', holdings: { kind: 'marc924' }, indexes, ...extra });

describe('identifiers as catalogues index them', () => {
  it('an ISBN loses hyphens, spaces and trailing qualifiers, and a valid one is asked in both forms', () => {
    expect(isbnForms('0-306-40615-2')).toEqual(['0306406152', '9780306406157']);
    expect(isbnForms('978-3-16-148410-0 (innbundet)')).toEqual(['9783161484100', '316148410X']);
    expect(isbnForms('0691072361 :')).toEqual(['0691072361', '9780691072364']);
    expect(isbnForms('080442957x')).toEqual(['080442957X', '9780804429573']);
  });

  it('an ISBN-13 outside 978 has no ISBN-10, and a wrong check digit is asked as written', () => {
    expect(isbnForms('979-10-90636-07-1')).toEqual(['9791090636071']);
    expect(isbnForms('0-306-40615-3')).toEqual(['0306406153']);
    expect(isbnForms('0-306-40615-2', false)).toEqual(['0306406152']);
  });

  it('what is no ISBN gives nothing to ask', () => {
    expect(isbnForms('not an isbn')).toEqual([]);
    expect(isbnForms('12345')).toEqual([]);
  });

  it('an ISSN is asked hyphenated; an OCLC number as its digits', () => {
    expect(normaliseIssn('ISSN 0317847x')).toBe('0317-847X');
    expect(normaliseIssn('2647113-9')).toBeUndefined();
    expect(normaliseOclcNumber('(OCoLC)ocm05886457')).toBe('5886457');
    expect(normaliseOclcNumber('on1234')).toBe('1234');
    expect(normaliseOclcNumber('(OCoLC)')).toBeUndefined();
  });
});

describe('the CQL query of a request', () => {
  it('asks every identifier the source has an index for, ORed', () => {
    const cql = buildCql({ isbn: '0-306-40615-2', issn: '0317-847X', oclcNumber: '(OCoLC)42' }, source({ isbn: 'alma.isbn', issn: 'alma.issn' }));
    expect(cql).toEqual({ basis: 'identifiers', cql: 'alma.isbn="0306406152" or alma.isbn="9780306406157" or alma.issn="0317-847X"' });
  });

  it('asks an identifier under several indexes, as crosslink asks GVI', () => {
    const cql = buildCql({ isbn: '9783161484100' }, source({ isbn: ['rec.id', 'isbn'] }, { isbnBothForms: false }));
    expect(cql?.cql).toBe('rec.id="9783161484100" or isbn="9783161484100"');
  });

  it('falls back to title and author only when no identifier can be asked', () => {
    const s = source({ isbn: 'pica.isb', title: 'pica.tit', author: 'pica.per' });
    expect(buildCql({ title: 'Fernleihe in der Praxis', author: 'Muster' }, s)).toEqual({ basis: 'title-author', cql: 'pica.tit all "Fernleihe in der Praxis" and pica.per all "Muster"' });
    expect(buildCql({ issn: '0317-847X', title: 'A title' }, s)?.basis).toBe('title-author');
    expect(buildCql({ isbn: '0306406152', title: 'A title' }, s)?.basis).toBe('identifiers');
  });

  it('asks nothing for an author alone, or for nothing it has an index for', () => {
    expect(buildCql({ author: 'Muster' }, source({ title: 'dc.title', author: 'dc.creator' }))).toBeUndefined();
    expect(buildCql({ oclcNumber: '42' }, source({ isbn: 'isbn' }))).toBeUndefined();
  });

  it('quotes every term and escapes what CQL would read as syntax or a pattern', () => {
    expect(quoteTerm('say "hello" \\ and * or ?^')).toBe('"say \\"hello\\" \\\\ and \\* or \\?\\^"');
    const cql = buildCql({ supplierUniqueRecordId: 'x" or dc.title="*' }, source({ recordId: 'alma.mms_id' }));
    expect(cql?.cql).toBe('alma.mms_id="x\\" or dc.title=\\"\\*"');
  });
});

describe('catalogue source settings', () => {
  it('default to SRU 1.2 marcxml, xml packing, 10 records, 10 s, and ISIL codes as ISIL symbols', () => {
    const s = source({ isbn: 'isbn' });
    expect(s).toMatchObject({ version: '1.2', recordSchema: 'marcxml', recordPacking: 'xml', maximumRecords: 10, timeoutMs: 10_000, isbnBothForms: true, symbols: { table: {}, codePrefix: '' } });
  });

  it('refuse an index that is no CQL index, a mapping not shipped, and a symbol table value that is no symbol', () => {
    expect(catalogueSourceSchema.safeParse({ url: 'https://x.org/sru', holdings: { kind: 'marc924' }, indexes: { isbn: 'isbn="' } }).success).toBe(false);
    expect(catalogueSourceSchema.safeParse({ url: 'https://x.org/sru', holdings: { kind: 'marc949' }, indexes: {} }).success).toBe(false);
    expect(catalogueSourceSchema.safeParse({ url: 'https://x.org/sru', holdings: { kind: 'alma' }, indexes: {}, symbols: { table: { KatzLib: 'no symbol' } } }).success).toBe(false);
    expect(catalogueSourceSchema.safeParse({ url: 'ftp://x.org/sru', holdings: { kind: 'alma' }, indexes: {} }).success).toBe(false);
  });
});
