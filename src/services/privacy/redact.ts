/**
 * The patron in a kept protocol message, by element and field name (as protocols/secrets.ts masks
 * secrets): what a request's messages said of its patron is erased with the request's own copy.
 *
 * - ISO 18626: `patronInfo` (id, name, address), and every `note`: notes are free text between
 *   staff of two libraries and may name the patron in ways no pattern recognises.
 * - NCIP 2.02: `UserId` (the patron's card or id in the ILS), `UserOptionalFields` (what
 *   LookupUser answered: name, e-mail, address, blocks) and `AuthenticationInput` (barcode, PIN).
 */
import { maskElementText } from '../../../protocols/xml';

export const ERASED_MASK = '(erased)';

const PATRON_ELEMENTS = new Set(['patroninfo', 'note', 'userid', 'useroptionalfields', 'authenticationinput']);

const isPatronElement = (name: string) => PATRON_ELEMENTS.has(name.toLowerCase());

export function redactPatronXml(xml: string): string;
export function redactPatronXml(xml: string | null): string | null;
export function redactPatronXml(xml: string | null): string | null {
  return xml === null ? null : maskElementText(xml, isPatronElement, ERASED_MASK);
}

/** A parsed message (any JSON value), patron fields replaced by the mask; a copy. */
export function redactPatronParsed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPatronParsed);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, isPatronElement(key) && inner !== undefined && inner !== null && inner !== '' ? ERASED_MASK : redactPatronParsed(inner)]));
}
