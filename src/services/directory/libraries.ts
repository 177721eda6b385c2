/**
 * Member libraries served here and their settings (`libraries.settings`, library-settings.ts:
 * NCIP, the NCIP responder, patron mail, pickup locations, broker hub, routing, lending). Each part is
 * validated by the schema its reader uses; secrets are masked on read (services/access/secrets.ts).
 */
import { z } from 'zod';
import { canonicalSymbol } from '../../domain/symbols';
import { insertLibrary, updateLibrary, type LibraryRow } from '../../store/libraries';
import { agencySymbolSchema, type Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { Conflict, NotFound, type FieldProblem } from '../errors';
import { librarySettingsChangesSchema, librarySettingsProblems } from './library-settings';
import { keepMaskedSecrets, maskSecrets, type SecretPath } from '../access/secrets';
import { fieldProblems, onlyGiven } from '../validation';

export const LIBRARY_SECRETS: readonly SecretPath[] = [
  ['ncip', 'fromAgencyAuthentication'],
  ['ncip', 'authentication', 'value'],
  ['ncip', 'authentication', 'password'],
  ['ncipResponder', 'fromAgencyAuthentication'],
];

const text = (max: number) => z.string().trim().min(1).max(max);

export const newLibrarySchema = z
  .object({ symbol: agencySymbolSchema, name: text(300), settings: librarySettingsChangesSchema.optional() })
  .strict();

export const libraryChangesSchema = z.object({ name: text(300), settings: librarySettingsChangesSchema }).partial().strict();

export interface LibraryView {
  readonly symbol: string;
  readonly name: string;
  readonly settings: Record<string, unknown>;
  /** Stored settings that do not validate (older data, SQL by hand): shown so staff can fix them. */
  readonly settingsProblems: FieldProblem[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function view(row: LibraryRow): LibraryView {
  return { symbol: row.symbol, name: row.name, settings: maskSecrets(row.settings, LIBRARY_SECRETS), settingsProblems: librarySettingsProblems(row.settings), createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function mergeSettings(stored: Record<string, unknown>, input: unknown, parsed: z.output<typeof librarySettingsChangesSchema>): Record<string, unknown> {
  const changes = keepMaskedSecrets(onlyGiven(parsed, input) as Record<string, unknown>, stored, LIBRARY_SECRETS, 'settings');
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export async function visibleLibrary(deps: ServiceDeps, symbol: string, principal: Principal): Promise<LibraryRow> {
  const row = await deps.directory.library(canonicalSymbol(symbol));
  if (!row || (principal.libraryId !== null && row.id !== principal.libraryId)) throw new NotFound('library', canonicalSymbol(symbol));
  return row;
}

export async function listServedLibraries(deps: ServiceDeps, principal: Principal): Promise<LibraryView[]> {
  return (await deps.directory.libraries()).filter((l) => principal.libraryId === null || l.id === principal.libraryId).map(view);
}

export async function getLibrary(deps: ServiceDeps, symbol: string, principal: Principal): Promise<LibraryView> {
  return view(await visibleLibrary(deps, symbol, principal));
}

export async function createLibrary(deps: ServiceDeps, input: unknown): Promise<LibraryView> {
  const parsed = newLibrarySchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const symbol = canonicalSymbol(parsed.data.symbol);
  if (await deps.directory.library(symbol)) throw new Conflict(`library ${symbol} is already served here`);
  const settingsInput = (input as { settings?: unknown }).settings;
  const settings = parsed.data.settings ? mergeSettings({}, settingsInput, parsed.data.settings) : {};
  return view(await deps.directory.write((db) => insertLibrary(db, { id: deps.newId(), symbol, name: parsed.data.name, settings })));
}

export async function changeLibrary(deps: ServiceDeps, symbol: string, input: unknown, principal: Principal): Promise<LibraryView> {
  const row = await visibleLibrary(deps, symbol, principal);
  const parsed = libraryChangesSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const given = onlyGiven(parsed.data, input);
  const settings = given.settings ? mergeSettings(row.settings, (input as { settings?: unknown }).settings, given.settings) : undefined;
  const changes = { ...(given.name !== undefined ? { name: given.name } : {}), ...(settings ? { settings } : {}) };
  const updated = await deps.directory.write((db) => updateLibrary(db, row.id, changes, deps.now()));
  return view(updated!);
}
