/**
 * Accent and case folding for staff search: `godel` finds `Gödel`, `AEROE` finds `Ærø`,
 * `strasse` finds `Straße`. The same rules run in SQL on the stored text and in JS on the words
 * typed, from one table here, so the two cannot drift apart.
 *
 * Rules, in order: Unicode compatibility decomposition (NFKD: `é` -> `e` + accent, `ﬁ` -> `fi`,
 * `Ĳ` -> `IJ`, full-width letters -> ASCII), drop the combining diacritics, fold the Latin letters
 * that do not decompose (`ø` `đ` `ł` `ħ` `ŧ` `ı`), lower case, spell out the ligatures that
 * unaccent also spells out (`æ` `œ` `ß` `þ`).
 *
 * Why not the `unaccent` extension: it ships with PostgreSQL and PGlite, but needs CREATE
 * EXTENSION (a migration, and a privilege a managed database may withhold) and, in PGlite, loading
 * at open; unaccent() is also not immutable, so an index needs a wrapper. Every function used here
 * is built in and immutable, so the folded text can be indexed as it is (pg_trgm GIN) when the
 * list grows large. `normalize` needs a UTF-8 database, which is PostgreSQL's and PGlite's default.
 */
import { sql, type SQL } from 'drizzle-orm';

/** Combining diacritical marks (general, extended, supplement, for symbols, half marks). */
const MARKS = '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]';
/** Letters NFKD leaves alone, each to its base letter; the capital ligatures to their small ones. */
const LETTERS_FROM = 'ØøĐđŁłĦħŦŧıÆŒẞÞ';
const LETTERS_TO = 'OoDdLlHhTtiæœßþ';
/** Ligatures spelt out after lower-casing, as unaccent does. */
const SPELT_OUT: readonly (readonly [string, string])[] = [
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ß', 'ss'],
  ['þ', 'th'],
];

// The class holds combining marks on purpose: they are what is removed.
// eslint-disable-next-line no-misleading-character-class
const MARKS_JS = new RegExp(MARKS, 'gu');
const LETTER_MAP = new Map([...LETTERS_FROM].map((c, i) => [c, [...LETTERS_TO][i]!]));

/** The folded form of text typed by staff. */
export function foldText(text: string): string {
  let folded = [...text.normalize('NFKD').replace(MARKS_JS, '')].map((c) => LETTER_MAP.get(c) ?? c).join('').toLowerCase();
  for (const [from, to] of SPELT_OUT) folded = folded.split(from).join(to);
  return folded;
}

/**
 * The folded form of a text expression, in SQL (immutable, so it can back an expression index).
 * Text that is all ASCII (as many bytes as characters) is only lower-cased: decomposing and
 * stripping cost ten times as much, and most titles and ids need neither.
 */
export function foldSql(expr: SQL): SQL {
  const stripped = sql`translate(regexp_replace(normalize(${expr}, NFKD), ${sql.raw(`'${MARKS}'`)}, '', 'g'), ${sql.raw(`'${LETTERS_FROM}'`)}, ${sql.raw(`'${LETTERS_TO}'`)})`;
  const full = SPELT_OUT.reduce<SQL>((inner, [from, to]) => sql`replace(${inner}, ${sql.raw(`'${from}'`)}, ${sql.raw(`'${to}'`)})`, sql`lower(${stripped})`);
  return sql`(case when octet_length(${expr}) = char_length(${expr}) then lower(${expr}) else ${full} end)`;
}
