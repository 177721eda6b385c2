import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIso18626, parseIso18626 } from '../../../../protocols/iso18626';
import { validateAgainst } from '../../../helpers/xsd';

/** The shared conformance samples, enumerated so that new ones are picked up. */
const SAMPLES_DIR = join(__dirname, '../../../../../shared/protocols/iso18626/samples');
const samples = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.xml')).sort();

describe('the shared ISO 18626 samples', () => {
  it('are found beside the repository', () => {
    expect(samples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(samples)('%s is schema-valid as shipped (so the round trip below proves something)', async (file) => {
    expect(await validateAgainst('iso18626', readFileSync(join(SAMPLES_DIR, file), 'utf8'))).toEqual({ valid: true, errors: [] });
  });

  it.each(samples)('%s parses, rebuilds schema-valid, and means the same after the round trip', async (file) => {
    const parsed = parseIso18626(readFileSync(join(SAMPLES_DIR, file)));
    expect(parsed.unknownElements).toEqual([]);
    const xml = buildIso18626(parsed.message);
    expect(await validateAgainst('iso18626', xml)).toEqual({ valid: true, errors: [] });
    const again = parseIso18626(xml);
    expect(again.message).toStrictEqual(parsed.message);
    expect(again.kind).toBe(parsed.kind);
  });
});
