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
 * In SQL the folding is `ill_fold(text)`, an immutable SQL function created by migration 0008
 * from `foldFunctionSql()` below (a test fails if the two differ): the pg_trgm GIN index on the
 * searched text is built from it, and the query calls it, so the index serves `q`. PostgreSQL
 * inlines the function (plain SQL, no SET clause, not STRICT). Changing a rule here means a new
 * migration with the new `foldFunctionSql()` and a REINDEX of the indexes built on it.
 *
 * Why not the `unaccent` extension: unaccent() is not immutable, so an index needs a wrapper
 * anyway, and its rules file is one more thing to keep in step with the JS side. Every function
 * used here is built in and immutable. `normalize` needs a UTF-8 database, which is PostgreSQL's
 * and PGlite's default.
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

/** The name of the SQL function doing the folding (created by migration 0008). */
export const FOLD_FUNCTION = 'ill_fold';

/**
 * The folding of `arg` (SQL text) written out. Text that is all ASCII (as many bytes as
 * characters) is only lower-cased: decomposing and stripping cost ten times as much, and most
 * titles and ids need neither.
 */
function foldWrittenOut(arg: string): string {
  const stripped = `translate(regexp_replace(normalize(${arg}, NFKD), '${MARKS}', '', 'g'), '${LETTERS_FROM}', '${LETTERS_TO}')`;
  const full = SPELT_OUT.reduce((inner, [from, to]) => `replace(${inner}, '${from}', '${to}')`, `lower(${stripped})`);
  return `(case when octet_length(${arg}) = char_length(${arg}) then lower(${arg}) else ${full} end)`;
}

/** The statement that defines `ill_fold`, as migration 0008 holds it. */
export function foldFunctionSql(): string {
  return `CREATE OR REPLACE FUNCTION ${FOLD_FUNCTION}(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ select ${foldWrittenOut('$1')} $$;`;
}

/** The folded form of a text expression, in SQL. */
export function foldSql(expr: SQL): SQL {
  return sql`${sql.raw(FOLD_FUNCTION)}(${expr})`;
}
