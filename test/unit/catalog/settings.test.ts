import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { catalogueSettingsSchema } from '../../../src/catalog/settings';

describe('catalogue settings', () => {
  it('the README’s example configuration is valid, and its defaults filled in', () => {
    const { catalogue } = parse(readFileSync(join(__dirname, '../../fixtures/catalog/catalogue-settings.example.yaml'), 'utf8')) as { catalogue: unknown };
    const settings = catalogueSettingsSchema.parse(catalogue);
    expect(settings.sources?.map((s) => s.holdings.kind)).toEqual(['marc924', 'marc852', 'marc852', 'generic']);
    expect(settings.sources?.[0]).toMatchObject({ recordPacking: 'xml', maximumRecords: 10, timeoutMs: 8000, isbnBothForms: true, symbols: { table: {}, isilPattern: '^[A-Za-z]{2}-[A-Za-z0-9:/-]{1,13}$', codePrefix: '' } });
    expect(settings.local?.holdings.kind).toBe('koha952');
  });

  it('needs at least one source, and nothing it does not know', () => {
    expect(catalogueSettingsSchema.safeParse({ sources: [] }).success).toBe(false);
    expect(catalogueSettingsSchema.safeParse({ sources: [{ url: 'https://x.org/sru', indexes: {}, holdings: { kind: 'alma' }, cql: 'x' }] }).success).toBe(false);
    expect(catalogueSettingsSchema.safeParse({ sources: [{ url: 'https://x.org/sru', indexes: {}, holdings: { kind: 'alma' } }], unavailableHolders: 'first' }).success).toBe(false);
  });

  it('refuses a symbol rule that is no regular expression, and a generic mapping without its holder subfield', () => {
    const source = (extra: object) => ({ sources: [{ url: 'https://x.org/sru', indexes: {}, holdings: { kind: 'alma' }, ...extra }] });
    expect(catalogueSettingsSchema.safeParse(source({ symbols: { isilPattern: '([' } })).success).toBe(false);
    expect(catalogueSettingsSchema.safeParse(source({ holdings: { kind: 'generic', tag: '949' } })).success).toBe(false);
  });
});
