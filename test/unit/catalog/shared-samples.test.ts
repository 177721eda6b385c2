import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { detectHoldingsShape, readCatalogueItem } from '../../../src/catalog/holdings';
import { holdingsMappingSchema, symbolMappingSchema, type HoldingsMapping } from '../../../src/catalog/settings';
import { CatalogueError } from '../../../src/catalog/errors';
import { readSruAnswer, type SruAnswer } from '../../../src/catalog/sru-response';
import { symbolMapper } from '../../../src/catalog/symbols';
import { SHARED_SRU_DIR, sampleFiles } from '../../helpers/sru-server';

/**
 * Every SRU answer in ../shared/catalog/sru, enumerated so that new samples are picked up. The
 * table says what the known ones hold; a file not in it is only required to read as an SRU
 * answer (or as an SRU diagnostic) and, when its shape is recognised, to give holdings under
 * that shape's mapping, each naming its holder.
 */
const KNOWN: Readonly<Record<string, { readonly shape?: HoldingsMapping['kind']; readonly records: number; readonly holdings: number }>> = {
  'BIBSYSDEV-alma-sru-proxy__SRU_response_3_hits_for_one_isbn.xml': { shape: 'marc852', records: 3, holdings: 6 },
  'BIBSYSDEV-alma-sru-proxy__sru_holdings_simple.xml': { shape: 'isohold', records: 1, holdings: 1 },
  'hbz-lobid-extra-holdings__sru_records_and_holdings.xml': { shape: 'marc852', records: 5, holdings: 23 },
  'upenn-libraries-Find__electronic_bib_availability.xml': { shape: 'alma', records: 1, holdings: 1 },
  'upenn-libraries-Find__physical_bib_availability.xml': { shape: 'alma', records: 1, holdings: 2 },
  'upenn-libraries-Find__record_not_found.xml': { records: 0, holdings: 0 },
};

const files = sampleFiles();

/** The answer; 'diagnostic' for a sample that is a server's SRU diagnostic (it reads as one, with its message). */
function readOrDiagnose(xml: string): SruAnswer | 'diagnostic' {
  try {
    return readSruAnswer(xml, { maxBytes: 64 * 1024 * 1024 });
  } catch (err) {
    if (!(err instanceof CatalogueError) || err.kind !== 'diagnostic') throw err;
    expect(err.diagnostics.length).toBeGreaterThan(0);
    expect(err.message).toMatch(/^SRU diagnostic \S+/);
    return 'diagnostic';
  }
}
const symbols = symbolMapper(symbolMappingSchema.parse({}));

describe(`the shared SRU samples (${SHARED_SRU_DIR})`, () => {
  it('are found beside the repository', () => {
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(KNOWN).length);
  });

  it.each(files.map((f) => [basename(f), f]))('%s reads as an SRU answer, and its holdings map under the mapping its shape needs', (name, file) => {
    const answer = readOrDiagnose(readFileSync(file, 'utf8'));
    if (answer === 'diagnostic') return;
    const items = answer.records.map((record) => {
      const shape = detectHoldingsShape(record.data);
      return { shape, item: shape === undefined ? undefined : readCatalogueItem(record.data, holdingsMappingSchema.parse({ kind: shape }), symbols) };
    });
    for (const { shape, item } of items) {
      if (shape === undefined) continue;
      expect(item!.holdings.length).toBeGreaterThan(0);
      for (const h of item!.holdings) expect(h.code.trim()).not.toBe('');
    }
    const known = KNOWN[name];
    if (known === undefined) return;
    expect(answer.records).toHaveLength(known.records);
    if (known.shape !== undefined) expect(items.every((i) => i.shape === known.shape)).toBe(true);
    expect(items.reduce((n, i) => n + (i.item?.holdings.length ?? 0), 0)).toBe(known.holdings);
  });
});
