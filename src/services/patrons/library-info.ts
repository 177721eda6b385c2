/**
 * What a patron page needs to know about a library before anyone signs in: its name and
 * language, whether it takes requests online, how its patrons sign in, and where they may
 * collect items. Nothing here is secret: the OpenURL form shows it to anyone with the link.
 */
import { canonicalSymbol } from '../../domain/symbols';
import type { LibraryRow } from '../../store/libraries';
import { pickupPlacesOf, type PickupPlace } from '../directory/pickup-locations';
import type { ServiceDeps } from '../deps';
import { Conflict, NotFound } from '../errors';
import { patronSettingsOf, type EffectivePatronSettings, type PatronLanguage, type PatronSignInMethod } from './settings';

export interface PatronLibrary {
  readonly symbol: string;
  readonly name: string;
  readonly language: PatronLanguage;
  /** Patrons may request here: the patron side is on and they have a way to sign in. */
  readonly acceptsRequests: boolean;
  readonly signIn: PatronSignInMethod | null;
  readonly emailDomains: readonly string[];
  readonly pickupLocations: readonly PickupPlace[];
  readonly maxOpenRequests: number;
}

/** The member library a patron route names (symbol, any case); unknown: 404. */
export async function patronLibraryRow(deps: Pick<ServiceDeps, 'directory'>, symbol: string): Promise<LibraryRow> {
  const row = await deps.directory.library(canonicalSymbol(symbol));
  if (!row) throw new NotFound('library', canonicalSymbol(symbol));
  return row;
}

const HOW: Readonly<Record<PatronSignInMethod, string>> = { ils: 'with their library card', email: 'with a link sent by e-mail' };

/** The library's patron settings, if its patrons sign in this way (else 409, saying how they do). */
export function requireSignIn(library: LibraryRow, method: PatronSignInMethod): EffectivePatronSettings {
  const settings = patronSettingsOf(library);
  if (!settings.enabled) throw new Conflict(`${library.name} does not take requests from patrons online`);
  if (settings.signIn !== method) throw new Conflict(settings.signIn ? `patrons of ${library.name} sign in ${HOW[settings.signIn]}` : `patrons of ${library.name} cannot sign in online`);
  return settings;
}

/** The library as its patron pages describe it. Pure. */
export function patronLibraryOf(library: Pick<LibraryRow, 'symbol' | 'name' | 'settings'>): PatronLibrary {
  const settings = patronSettingsOf(library);
  return {
    symbol: library.symbol,
    name: library.name,
    language: settings.language,
    acceptsRequests: settings.enabled && settings.signIn !== undefined,
    signIn: settings.signIn ?? null,
    emailDomains: settings.signIn === 'email' ? settings.emailDomains : [],
    pickupLocations: pickupPlacesOf(library.settings),
    maxOpenRequests: settings.maxOpenRequests,
  };
}

export async function patronLibrary(deps: Pick<ServiceDeps, 'directory'>, symbol: string): Promise<PatronLibrary> {
  return patronLibraryOf(await patronLibraryRow(deps, symbol));
}
