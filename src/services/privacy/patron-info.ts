/**
 * The ISO 18626 patronInfo of a request to a supplier, as the library's privacy setting allows.
 * Pure: mapping.ts calls it with the level delivery.ts read from the directory.
 *
 * - `none`: no patronInfo. A supplier lends to the library, not to the patron: the request's
 *   ids, item, service and delivery address are all it needs.
 * - `name`: given name and surname (the whole name as surname when only that is known, where a
 *   supplier's slip prints a surname), no id and no e-mail.
 * - `full`: the patron id, the name, and the e-mail as an electronic address.
 */
import type { Request } from '../../../protocols/iso18626';
import type { StoredPatron } from '../../store/request-data';
import type { PatronDetailLevel } from './settings';

type PatronInfo = NonNullable<Request['patronInfo']>;

export function patronInfoFor(patron: StoredPatron | undefined, level: PatronDetailLevel): PatronInfo | undefined {
  if (!patron || level === 'none') return undefined;
  const name = namesOf(patron);
  if (level === 'name') return Object.keys(name).length > 0 ? name : undefined;
  return {
    patronId: patron.id,
    ...name,
    ...(patron.email ? { address: [{ electronicAddress: { electronicAddressType: { value: 'email' }, electronicAddressData: patron.email } }] } : {}),
  };
}

function namesOf(patron: StoredPatron): { givenName?: string; surname?: string } {
  if (patron.givenName || patron.surname) return { ...(patron.givenName ? { givenName: patron.givenName } : {}), ...(patron.surname ? { surname: patron.surname } : {}) };
  return patron.name ? { surname: patron.name } : {};
}
