/**
 * A request's number for people: what a patron quotes on the phone and staff type into the search
 * box or the scan box, instead of a 36-character UUID. It is the library's own count (`1042`),
 * given by the database as the request is stored (requests.number): unique within the library,
 * short, and in the order requests came, on the borrowing and on the lending side alike.
 *
 * Before requests were counted (migration 0012), the number was the id's first eight hex digits
 * (`3F2A-91C4`), and mail already sent quotes it: a search still finds requests by that form.
 * A request that has no library (none is stored that way) is shown by it too.
 */

export interface Numbered {
  readonly id: string;
  readonly number: number | null;
}

const COUNT = /^#?(\d{1,9})$/;
const ID_DIGITS = /^([0-9a-f]{4})-?([0-9a-f]{4})$/i;

export function requestNumber(request: Numbered): string {
  if (request.number !== null) return String(request.number);
  const hex = request.id.replace(/-/g, '').slice(0, 8).toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** The count a typed number stands for (`1042`, `#1042`); undefined when it is none. */
export function requestCountOf(text: string): number | undefined {
  const match = COUNT.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** The ids an earlier number (`3f2a-91c4`, `3F2A91C4`) stands for, as the least and greatest UUID; undefined when it is none. */
export function requestNumberRange(text: string): { readonly from: string; readonly to: string } | undefined {
  const match = ID_DIGITS.exec(text.trim());
  if (!match) return undefined;
  const prefix = `${match[1]}${match[2]}`.toLowerCase();
  return { from: `${prefix}-0000-0000-0000-000000000000`, to: `${prefix}-ffff-ffff-ffff-ffffffffffff` };
}
