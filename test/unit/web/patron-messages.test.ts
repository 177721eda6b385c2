/** The patron pages' catalogues: every language has every message, with the same blanks to fill. */
import { PATRON_PHASES } from '../../../src/domain/patron-status';
import { de } from '../../../web/src/patron/messages/de';
import { en } from '../../../web/src/patron/messages/en';

const blanks = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the patron catalogues', () => {
  it.each(Object.entries({ de }))('%s has every English key and no other', (_language, catalogue) => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.entries({ de }))('%s fills the same blanks as English in each message', (_language, catalogue) => {
    const differing = Object.entries(en).filter(([key, message]) => blanks(message).join() !== blanks((catalogue as Record<string, string>)[key] ?? '').join());
    expect(differing).toEqual([]);
  });

  it('has a word for every request phase the server names', () => {
    expect(PATRON_PHASES.filter((p) => !(`phase.${p}` in en))).toEqual([]);
  });
});
