/**
 * A patron's session as their pages show it: which library, how they signed in, what the ILS
 * said about them (name, e-mail, blocks) and how many requests they have open of how many they
 * may. Never the PIN; the card number only as far as it is the patron's id in the ILS.
 */
import { countOpenRequestsOfPatron } from '../../store/patron-requests';
import type { ServiceDeps } from '../deps';
import { NotFound } from '../errors';
import type { PatronPrincipal } from './sessions';
import { patronSettingsOf, type PatronLanguage } from './settings';

export interface PatronSessionView {
  readonly library: { readonly symbol: string; readonly name: string; readonly language: PatronLanguage };
  readonly method: 'ils' | 'email';
  readonly name?: string;
  readonly email?: string;
  readonly blocked: boolean;
  readonly blockReasons: readonly string[];
  readonly openRequests: number;
  readonly maxOpenRequests: number;
  readonly expiresAt: Date;
  readonly idleExpiresAt: Date;
}

export async function patronSessionView(deps: Pick<ServiceDeps, 'db' | 'directory'>, patron: PatronPrincipal): Promise<PatronSessionView> {
  const library = await deps.directory.libraryById(patron.libraryId);
  // The session's library was deleted since (its sessions go with it, but a cache may lag).
  if (!library) throw new NotFound('library', patron.libraryId);
  const settings = patronSettingsOf(library);
  const blockReasons = patron.details.blockReasons ?? [];
  return {
    library: { symbol: library.symbol, name: library.name, language: settings.language },
    method: patron.method,
    ...(patron.details.name !== undefined ? { name: patron.details.name } : {}),
    ...(patron.details.email !== undefined ? { email: patron.details.email } : {}),
    blocked: blockReasons.length > 0,
    blockReasons,
    openRequests: await countOpenRequestsOfPatron(deps.db, patron.libraryId, patron.patronId),
    maxOpenRequests: settings.maxOpenRequests,
    expiresAt: patron.expiresAt,
    idleExpiresAt: patron.idleExpiresAt,
  };
}
