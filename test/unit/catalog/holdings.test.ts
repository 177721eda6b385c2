import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalogueItem, type CatalogueItem } from '../../../src/catalog/holdings';
import { holdingsMappingSchema, symbolMappingSchema, type HoldingsMapping } from '../../../src/catalog/settings';
import { readSruAnswer } from '../../../src/catalog/sru-response';
import { symbolMapper } from '../../../src/catalog/symbols';
import { SHARED_SRU_DIR } from '../../helpers/sru-server';

const sample = (name: string) => readFileSync(join(SHARED_SRU_DIR, name), 'utf8');
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/catalog', name), 'utf8');

function items(xml: string, mapping: HoldingsMapping | HoldingsMapping['kind'], symbols: unknown = {}): CatalogueItem[] {
  const m = holdingsMappingSchema.parse(typeof mapping === 'string' ? { kind: mapping } : mapping);
  const mapper = symbolMapper(symbolMappingSchema.parse(symbols));
  return readSruAnswer(xml, { maxBytes: 8 * 1024 * 1024 }).records.map((r) => readCatalogueItem(r.data, m, mapper));
}

describe('GVI union catalogue holdings (MARC 924)', () => {
  const [item] = items(fixture('gvi-marc924.xml'), 'marc924');
  const byIsil = (isil: string) => item!.holdings.find((h) => h.code === isil);

  it('names each holder by its ISIL in $b, made a directory symbol', () => {
    expect(item!.holdings.map((h) => h.symbol)).toEqual(['ISIL:DE-705', 'ISIL:DE-18', 'ISIL:DE-7', 'ISIL:DE-OFB1', 'ISIL:DE-21']);
    expect(byIsil('DE-705')).toEqual({ code: 'DE-705', symbol: 'ISIL:DE-705', localId: '1800001', callNumber: 'A 12/345', ill: 'loan-or-copy', electronic: false, note: 'ILL region GBV' });
  });

  it('reads the ILL indicator: c unrestricted, a volumes only, b copies only, e electronic only', () => {
    expect(byIsil('DE-705')?.ill).toBe('loan-or-copy');
    expect(byIsil('DE-Ofb1')?.ill).toBe('loan');
    expect(byIsil('DE-7')?.ill).toBe('copy-only');
    expect(byIsil('DE-21')).toMatchObject({ ill: 'electronic-only', electronic: true });
  });

  it('a GVI holding with indicator d is no ILL', () => {
    expect(byIsil('DE-18')?.ill).toBe('none');
  });

  it('says nothing about availability: union catalogues list holders', () => {
    expect(item!.holdings.every((h) => h.available === undefined)).toBe(true);
  });
});

describe('DNB/ZDB MARC21plus-xml: bibliographic records with separate holdings records (MARC 852)', () => {
  const all = items(sample('hbz-lobid-extra-holdings__sru_records_and_holdings.xml'), 'marc852');

  it('gives one holding per holdings record, the holder’s ISIL from the 852 that has only $a', () => {
    expect(all).toHaveLength(5);
    expect(all.reduce((n, i) => n + i.holdings.length, 0)).toBe(23);
    expect(all.every((i) => i.holdings.some((h) => h.symbol === 'ISIL:DE-SOL1'))).toBe(true);
  });

  it('takes the call number from 852 _1 $c, without PICA’s non-sort markers, and the summary from 866', () => {
    const holding = all[0]!.holdings.find((h) => h.code === 'DE-101a');
    expect(holding).toMatchObject({ symbol: 'ISIL:DE-101A', callNumber: 'Z 2012 B 207', localId: '220025142', ill: 'unknown', electronic: false });
    expect(holding?.note).toContain('1.2010 - 47.2022');
    expect(all.flatMap((i) => i.holdings).some((h) => /[\u0098\u009c]/.test(h.callNumber ?? ''))).toBe(false);
  });

  it('gives the item’s metadata from the bibliographic record', () => {
    expect(all[0]!.metadata).toMatchObject({ title: 'Kochen ohne Knochen : vegan', publisher: 'Ox-Verl. Hiller', placeOfPublication: 'Solingen', publicationDate: '2010-[2022]', recordId: '1019019719', oclcNumbers: ['1368821974'] });
  });
});

describe('Alma network zone: one 852 per member institution', () => {
  const symbols = { table: { '47BIBSYS_UBO': 'ISIL:NO-0030100', '47BIBSYS_NTNU_UB': 'ISIL:NO-0030500' } };
  const [first, second, third] = items(sample('BIBSYSDEV-alma-sru-proxy__SRU_response_3_hits_for_one_isbn.xml'), 'marc852', symbols);

  it('names each member by its institution code in $a, with its own MMS id', () => {
    expect(first!.holdings.map((h) => h.code)).toEqual(['47BIBSYS_BI', '47BIBSYS_UBO', '47BIBSYS_UBIN']);
    expect(first!.holdings[1]?.localId).toBe('999920170782702204');
    expect(second!.holdings.map((h) => h.code)).toEqual(['47BIBSYS_UBA', '47BIBSYS_HH']);
    expect(third!.holdings[0]).toMatchObject({ code: '47BIBSYS_NTNU_UB', symbol: 'ISIL:NO-0030500', localId: '998611116644702203', electronic: false });
  });

  it('maps a local code through the symbol table, and leaves one the table does not know without a symbol', () => {
    expect(first!.holdings.find((h) => h.code === '47BIBSYS_UBO')?.symbol).toBe('ISIL:NO-0030100');
    expect(first!.holdings.find((h) => h.code === '47BIBSYS_BI')?.symbol).toBeUndefined();
  });

  it('reads $9 E (the e-book record) as an electronic holding, $9 P as a physical one', () => {
    expect(first!.holdings.every((h) => h.electronic)).toBe(true);
    expect(second!.holdings.every((h) => !h.electronic)).toBe(true);
  });
});

describe('Alma institution zone availability (AVA, AVE)', () => {
  const symbols = { table: { KatzLib: 'ISIL:US-PU-K', Libra: 'ISIL:US-PU-L' } };

  it('an AVA holding has its library, location, call number, availability and item counts', () => {
    const [item] = items(sample('upenn-libraries-Find__physical_bib_availability.xml'), 'alma', symbols);
    expect(item!.holdings).toEqual([
      { code: 'KatzLib', symbol: 'ISIL:US-PU-K', location: 'Stacks', callNumber: 'B53 .R68', localId: '22348375290003681', available: true, copies: 1, availableCopies: 1, ill: 'unknown', electronic: false },
      { code: 'Libra', symbol: 'ISIL:US-PU-L', location: 'LIBRA', callNumber: 'B53 .R68', localId: '22348375330003681', available: true, copies: 1, availableCopies: 1, ill: 'unknown', electronic: false },
    ]);
  });

  it('an Alma AVE portfolio is electronic, not lendable as a loan', () => {
    const [item] = items(sample('upenn-libraries-Find__electronic_bib_availability.xml'), 'alma', { table: { '01UPENN_INST': 'ISIL:US-PU' } });
    expect(item!.holdings).toEqual([
      { code: '01UPENN_INST', symbol: 'ISIL:US-PU', localId: '53790612100003681', available: true, note: 'EBSCOhost Academic eBook Collection (North America), EBSCOhost', ill: 'unknown', electronic: true },
    ]);
  });

  it('falls back to the institution code when the table does not know the library', () => {
    const [item] = items(sample('upenn-libraries-Find__physical_bib_availability.xml'), 'alma', { table: { '01UPENN_INST': 'ISIL:US-PU' } });
    expect(item!.holdings.map((h) => [h.code, h.symbol])).toEqual([['KatzLib', 'ISIL:US-PU'], ['Libra', 'ISIL:US-PU']]);
  });
});

describe('ISO 20775 holdings (isohold)', () => {
  const [item] = items(sample('BIBSYSDEV-alma-sru-proxy__sru_holdings_simple.xml'), 'isohold');

  it('names the holder by its ISIL, with its copies and location', () => {
    expect(item).toEqual({ holdings: [{ code: 'NO-1042300', symbol: 'ISIL:NO-1042300', location: 'Norsk Skogfinsk Museum', copies: 2, availableCopies: 0, available: false, note: 'earliest dispatch 2019-12-19', ill: 'unknown', electronic: false }] });
  });

  it('isohold counts only availableFor 1', () => {
    const holdings = (statuses: string) => `<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><records><record><recordSchema>isohold</recordSchema><recordData>
      <holdings xmlns="http://www.loc.gov/standards/iso20775/"><holding><institutionIdentifier><value>NO-0030100</value></institutionIdentifier>
      <holdingSimple><copiesSummary><copiesCount>5</copiesCount>${statuses}</copiesSummary></holdingSimple></holding></holdings></recordData></record></records></searchRetrieveResponse>`;
    const status = (availableFor: string | undefined, count: number) => `<status>${availableFor !== undefined ? `<availableFor>${availableFor}</availableFor>` : ''}<availableCount>${count}</availableCount></status>`;
    expect(items(holdings(status('1', 2) + status('2', 3)), 'isohold')[0]!.holdings[0]).toMatchObject({ copies: 5, availableCopies: 2, available: true });
    expect(items(holdings(status('2', 3) + status('3', 1)), 'isohold')[0]!.holdings[0]).toMatchObject({ availableCopies: 0, available: false });
    expect(items(holdings(status(undefined, 4)), 'isohold')[0]!.holdings[0]).toMatchObject({ availableCopies: 0, available: false });
  });
});

describe('Z39.50 OPAC records (opacRecord)', () => {
  const [item] = items(fixture('opac-record.xml'), 'opac', { table: { 'Science Library': 'ISIL:US-XX-S', 'Main University': 'ISIL:US-XX' } });

  it('counts a holding’s items that are availableNow', () => {
    expect(item!.holdings[0]).toEqual({ code: 'Science Library', symbol: 'ISIL:US-XX-S', location: 'Stacks', callNumber: 'QA76.6 .C662 2009', copies: 2, availableCopies: 1, available: true, note: 'On loan', ill: 'unknown', electronic: false });
  });

  it('names the library, else the institution, through the symbol table, and keeps an item’s restrictions', () => {
    expect(item!.holdings[1]).toMatchObject({ code: 'Law Library', symbol: 'ISIL:US-XX', itemId: '39000003', available: false, note: 'Reference only' });
  });

  it('reads the bibliographic record inside', () => {
    expect(item!.metadata).toMatchObject({ title: 'Introduction to algorithms', isbns: ['9780262033848'], recordId: 'in00000012345' });
  });
});

describe('Koha items (952)', () => {
  const [item] = items(fixture('koha-marc952.xml'), 'koha952', { table: { MAIN: 'ISIL:NZ-WK', BRANCH: 'ISIL:NZ-WKB', EAST: 'ISIL:NZ-WKE' } });

  it('gives one holding per item, named by its holding branch, with call number ($o) and barcode ($p)', () => {
    expect(item!.holdings[0]).toEqual({ code: 'MAIN', symbol: 'ISIL:NZ-WK', location: 'STACKS', callNumber: '025.04 KOH', itemId: '31000000001', available: true, copies: 1, availableCopies: 1, ill: 'unknown', electronic: false });
  });

  it('an item on loan ($q) or lost ($1) is unavailable; one not for loan ($7) stays on the shelf for copies only', () => {
    expect(item!.holdings[1]).toMatchObject({ available: false, note: 'on loan, due 2026-12-24' });
    expect(item!.holdings[2]).toMatchObject({ code: 'BRANCH', available: true, ill: 'copy-only', note: 'not for loan (1)' });
    expect(item!.holdings[3]).toMatchObject({ code: 'EAST', available: false, note: 'lost or withdrawn' });
  });
});

describe('the generic field/subfield mapping', () => {
  it('reads the configured field, with availability and ILL terms from the configured values', () => {
    const xml = `<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><records><record><recordData><record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>
      <datafield tag="949" ind1=" " ind2=" "><subfield code="F">CH-000015-0</subfield><subfield code="j">UB 123</subfield><subfield code="s">Ausleihbar</subfield><subfield code="x">F</subfield></datafield>
      <datafield tag="949" ind1=" " ind2=" "><subfield code="F">CH-000086-X</subfield><subfield code="s">Ausgeliehen</subfield><subfield code="x">N</subfield></datafield>
      <datafield tag="949" ind1=" " ind2=" "><subfield code="j">no holder</subfield></datafield>
      </record></recordData></record></records></searchRetrieveResponse>`;
    const mapping: HoldingsMapping = { kind: 'generic', tag: '949', code: 'F', callNumber: 'j', availability: { subfield: 's', available: ['ausleihbar'] }, ill: { subfield: 'x', values: { F: 'loan-or-copy', N: 'none' } } };
    expect(items(xml, mapping)[0]!.holdings).toEqual([
      { code: 'CH-000015-0', symbol: 'ISIL:CH-000015-0', callNumber: 'UB 123', available: true, ill: 'loan-or-copy', electronic: false },
      { code: 'CH-000086-X', symbol: 'ISIL:CH-000086-X', available: false, ill: 'none', electronic: false },
    ]);
  });
});

describe('the symbol mapping', () => {
  it('maps the table first (case-insensitive), then an ISIL-shaped code, after the configured prefix', () => {
    const map = symbolMapper(symbolMappingSchema.parse({ table: { 'ofb 1': 'ISIL:DE-OFB1' }, codePrefix: 'DE-' }));
    expect(map('Ofb 1')).toBe('ISIL:DE-OFB1');
    expect(map('705')).toBe('ISIL:DE-705');
    expect(map('DE-705')).toBe('ISIL:DE-705');
    expect(map('')).toBeUndefined();
  });

  it('maps only the table when the ISIL rule is switched off', () => {
    const map = symbolMapper(symbolMappingSchema.parse({ isilPattern: null }));
    expect(map('DE-705')).toBeUndefined();
  });
});
