/**
 * One SRU record, read under a holdings mapping: the item it describes (when it carries a
 * bibliographic record) and its holdings, each with the directory symbol its code maps to.
 * Pure. `detectHoldingsShape` guesses the mapping a record needs, for tests and for staff
 * trying out a new catalogue; a source's settings always name their mapping.
 */
import type { XmlElement } from '../../../protocols/xml';
import { readMarcRecords, type MarcRecord } from '../marc';
import { itemMetadata, type ItemMetadata } from '../metadata';
import type { HoldingsMapping } from '../settings';
import type { SymbolMapper } from '../symbols';
import { almaHoldings } from './alma';
import { genericHoldings } from './generic';
import type { Holding, RawHolding } from './holding';
import { isoholdHoldings } from './isohold';
import { koha952Holdings } from './koha952';
import { marc852Holdings } from './marc852';
import { marc924Holdings } from './marc924';
import { opacHoldings } from './opac';

export type { Holding } from './holding';

export interface CatalogueItem {
  /** Absent for a record without a bibliographic part (isohold). */
  readonly metadata?: ItemMetadata;
  readonly holdings: readonly Holding[];
}

export function readCatalogueItem(data: XmlElement, mapping: HoldingsMapping, symbols: SymbolMapper): CatalogueItem {
  const marc = marcRecordsOf(data);
  const bibliographic = marc.find((r) => r.type === 'bibliographic');
  const holdings = rawHoldings(data, marc, mapping).map((raw) => withSymbol(raw, symbols));
  return bibliographic ? { metadata: itemMetadata(bibliographic), holdings } : { holdings };
}

function rawHoldings(data: XmlElement, marc: readonly MarcRecord[], mapping: HoldingsMapping): RawHolding[] {
  switch (mapping.kind) {
    case 'marc852':
      return marc852Holdings(marc);
    case 'marc924':
      return marc924Holdings(marc);
    case 'alma':
      return almaHoldings(marc);
    case 'koha952':
      return koha952Holdings(marc);
    case 'generic':
      return genericHoldings(marc, mapping);
    case 'isohold':
      return isoholdHoldings(data);
    case 'opac':
      return opacHoldings(data);
  }
}

/** The MARC records in a record's data: itself, a collection's, or an opacRecord's bibliographicRecord's. */
function marcRecordsOf(data: XmlElement): MarcRecord[] {
  if (data.name === 'opacRecord') {
    const bib = data.children.find((c) => c.name === 'bibliographicRecord');
    return bib ? bib.children.flatMap(readMarcRecords) : [];
  }
  return readMarcRecords(data);
}

function withSymbol(raw: RawHolding, symbols: SymbolMapper): Holding {
  const { codes, ...rest } = raw;
  const symbol = codes.map(symbols).find((s) => s !== undefined);
  return { code: codes[0]!, ...(symbol !== undefined ? { symbol } : {}), ...rest };
}

const SHAPES = ['isohold', 'opac', 'marc924', 'alma', 'koha952', 'marc852'] as const;

/**
 * The shipped mapping a record's shape calls for: the first (most specific first: 924 and Alma's
 * AVA/AVE before the 852 such records may also carry) under which it names a holder; undefined
 * when none does.
 */
export function detectHoldingsShape(data: XmlElement): (typeof SHAPES)[number] | undefined {
  const marc = marcRecordsOf(data);
  return SHAPES.find((kind) => rawHoldings(data, marc, { kind }).length > 0);
}
