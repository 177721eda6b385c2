/**
 * A request's number for people: what a patron quotes on the phone and staff type into the search
 * box, instead of a 36-character UUID. It is the id's first eight hex digits in two groups
 * (`3F2A-91C4`), so it needs no column, no counter and no migration, reads the same everywhere it
 * is shown (patron mail, the staff interface), and maps back to the ids it can stand for.
 *
 * It is not a sequence: ids are random (UUID v4), so two requests can share a number (32 bits: a
 * shared pair becomes as likely as not at about 77,000 requests on the server). A search by
 * number lists every request that has it.
 */

const NUMBER = /^([0-9a-f]{4})-?([0-9a-f]{4})$/i;

export function requestNumber(id: string): string {
  const hex = id.replace(/-/g, '').slice(0, 8).toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** The ids a typed number (`3f2a-91c4`, `3F2A91C4`) stands for, as the least and greatest UUID; undefined when it is no request number. */
export function requestNumberRange(text: string): { readonly from: string; readonly to: string } | undefined {
  const match = NUMBER.exec(text.trim());
  if (!match) return undefined;
  const prefix = `${match[1]}${match[2]}`.toLowerCase();
  return { from: `${prefix}-0000-0000-0000-000000000000`, to: `${prefix}-ffff-ffff-ffff-ffffffffffff` };
}
