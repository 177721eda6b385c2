/**
 * The directory file from the staff API: export (secrets masked) and import with a plan first.
 * Each entry is checked on its own, so one bad partner does not stop the good ones: the plan says
 * what would be added, changed (field by field) and left as it is, and every rejected entry with
 * its path; applying writes the accepted entries, as loading DIRECTORY_FILE at start does.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { LibraryRow } from '../../store/libraries';
import type { PartnerRow } from '../../store/partners';
import { keepMaskedSecrets, maskSecrets, type SecretPath } from '../access/secrets';
import type { ServiceDeps } from '../deps';
import { ValidationFailed, type FieldProblem } from '../errors';
import { pathOf, problemsOf } from '../settings-file';
import { libraryEntrySchema, loadDirectory, partnerEntrySchema, partnerFieldsOf, type DirectoryFile } from './directory-file';
import { LIBRARY_SECRETS } from './libraries';
import { PARTNER_SECRETS } from './partners';

export const directoryImportSchema = z
  .object({
    format: z.enum(['yaml', 'json']).meta({ description: 'How `content` is written' }),
    content: z.string().meta({ description: 'The directory file itself (see the README, "Directory file")' }),
  })
  .strict();

export const directoryImportQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .meta({ description: 'true (default): only answer what would change; false: write the accepted entries' }),
});

export type EntryOutcome = 'added' | 'changed' | 'unchanged';

export interface FieldChange {
  /** `policies.dailyLimit`, `settings.routing`: where in the entry, as in the file. */
  readonly field: string;
  /** Secrets appear masked here as everywhere. */
  readonly from: unknown;
  readonly to: unknown;
}

export interface PlannedEntry {
  readonly kind: 'library' | 'partner';
  readonly path: string;
  readonly symbol: string;
  readonly outcome: EntryOutcome;
  readonly changes: readonly FieldChange[];
}

export interface RejectedEntry {
  readonly path: string;
  readonly symbol: string | null;
  readonly problems: readonly FieldProblem[];
}

export interface DirectoryImportPlan {
  readonly applied: boolean;
  readonly counts: { readonly added: number; readonly changed: number; readonly unchanged: number; readonly rejected: number };
  readonly entries: readonly PlannedEntry[];
  readonly rejected: readonly RejectedEntry[];
}

const EXPORT_NOTE =
  'Directory file exported from the ILL server. Secrets (security codes, HTTP header values, NCIP credentials) are written as "********": importing this file keeps the stored secrets; write a secret in clear to change it.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Key order does not make a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

/** Differences one level into objects (`policies.dailyLimit`), as a person reads a diff; `mask` hides secrets in what is shown. */
function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, nested: readonly string[], mask: (field: string, value: unknown) => unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(after)) {
    const from = before[field];
    const to = after[field];
    if (canonical(from ?? null) === canonical(to ?? null)) continue;
    if (nested.includes(field) && isRecord(to) && (isRecord(from) || from == null)) {
      const inner = isRecord(from) ? from : {};
      const shownFrom = mask(field, inner) as Record<string, unknown>;
      const shownTo = mask(field, to) as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(inner), ...Object.keys(to)])]) {
        if (canonical(inner[key] ?? null) !== canonical(to[key] ?? null)) changes.push({ field: `${field}.${key}`, from: shownFrom[key] ?? null, to: shownTo[key] ?? null });
      }
    } else {
      changes.push({ field, from: mask(field, from) ?? null, to: mask(field, to) ?? null });
    }
  }
  return changes;
}

function maskerFor(field: string, paths: readonly SecretPath[]) {
  return (at: string, value: unknown): unknown => (at === field ? maskSecrets(value, paths) : value);
}

function storedPartnerFields(row: PartnerRow): Record<string, unknown> {
  return { name: row.name, iso18626Url: row.iso18626Url, auth: row.auth, policies: row.policies, vendor: row.vendor, contactEmail: row.contactEmail, status: row.status, protocolVersion: row.protocolVersion };
}

/** The file's text as data; a file that cannot be read at all is one 400, not a plan. */
export function parseDirectoryText(format: 'yaml' | 'json', content: string): unknown {
  try {
    return format === 'yaml' ? (parseYaml(content) ?? {}) : JSON.parse(content);
  } catch (err) {
    throw new ValidationFailed([{ path: 'content', message: `is not ${format === 'yaml' ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}` }], 'the directory file cannot be read');
  }
}

function symbolGuess(entry: unknown): string | null {
  return isRecord(entry) && typeof entry.symbol === 'string' ? entry.symbol : null;
}

function rejection(path: string, entry: unknown, problems: readonly FieldProblem[]): RejectedEntry {
  return { path, symbol: symbolGuess(entry), problems };
}

function entryProblems(error: z.ZodError, path: string): FieldProblem[] {
  return error.issues.flatMap(problemsOf).map((p) => ({ path: p.path === '(file)' ? path : `${path}${p.path.startsWith('[') ? '' : '.'}${p.path}`, message: p.message }));
}

export interface ImportProgress {
  /** checking: entries read and compared with the directory; writing: accepted entries stored. */
  readonly phase: 'checking' | 'writing';
  readonly done: number;
  readonly total: number;
}

/** How often checking reports: often enough for a bar to move, rarely enough to cost nothing. */
const CHECKED_EVERY = 250;

/** The event loop's turn: a progress line goes out, other callers are served (PGlite and the directory cache may answer without one). */
const aTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Checked {
  readonly plan: DirectoryImportPlan;
  readonly accepted: DirectoryFile;
}

async function check(deps: ServiceDeps, raw: unknown, onProgress?: (progress: ImportProgress) => void): Promise<Checked> {
  const rejected: RejectedEntry[] = [];
  const entries: PlannedEntry[] = [];
  const accepted: { libraries: DirectoryFile['libraries']; partners: DirectoryFile['partners'] } = { libraries: [], partners: [] };
  if (!isRecord(raw)) throw new ValidationFailed([{ path: 'content', message: 'must hold an object with libraries: and partners:' }], 'the directory file is not valid');
  for (const key of Object.keys(raw)) {
    if (key !== 'libraries' && key !== 'partners') rejected.push(rejection(key, null, [{ path: key, message: 'is not a known key' }]));
  }
  const listOf = (key: 'libraries' | 'partners'): unknown[] => {
    const list = raw[key] ?? [];
    if (Array.isArray(list)) return list;
    rejected.push(rejection(key, null, [{ path: key, message: 'must be a list' }]));
    return [];
  };

  const seen = new Map<string, string>();
  const duplicate = (kind: string, symbol: string, path: string): FieldProblem[] => {
    const earlier = seen.get(`${kind}:${symbol}`);
    if (earlier) return [{ path: `${path}.symbol`, message: `${symbol} is already in the file at ${earlier}` }];
    seen.set(`${kind}:${symbol}`, path);
    return [];
  };

  const lengthOf = (key: 'libraries' | 'partners') => (Array.isArray(raw[key]) ? raw[key].length : 0);
  const total = lengthOf('libraries') + lengthOf('partners');
  /**
   * `done` entries are checked, the ones before the entry about to be. Every so often the event
   * loop gets a turn: the progress line goes out, and other callers are served meanwhile (the
   * directory lookups are answered from memory, so a long file would otherwise hold it).
   */
  const reached = async (done: number) => {
    if (done % CHECKED_EVERY !== 0) return;
    onProgress?.({ phase: 'checking', done, total });
    await aTurn();
  };

  for (const [i, entry] of listOf('libraries').entries()) {
    await reached(i);
    const path = pathOf(['libraries', i]);
    const parsed = libraryEntrySchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push(rejection(path, entry, entryProblems(parsed.error, path)));
      continue;
    }
    const twice = duplicate('library', parsed.data.symbol, path);
    if (twice.length > 0) {
      rejected.push(rejection(path, entry, twice));
      continue;
    }
    const stored: LibraryRow | undefined = await deps.directory.library(parsed.data.symbol);
    let settings: Record<string, unknown>;
    try {
      settings = keepMaskedSecrets(parsed.data.settings as Record<string, unknown>, stored?.settings ?? {}, LIBRARY_SECRETS, `${path}.settings`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      rejected.push(rejection(path, entry, err.fields));
      continue;
    }
    accepted.libraries.push({ ...parsed.data, settings: settings as DirectoryFile['libraries'][number]['settings'] });
    const after = { name: parsed.data.name, settings };
    const changes = stored ? diffFields({ name: stored.name, settings: stored.settings }, after, ['settings'], maskerFor('settings', LIBRARY_SECRETS)) : [];
    entries.push({ kind: 'library', path, symbol: parsed.data.symbol, outcome: !stored ? 'added' : changes.length > 0 ? 'changed' : 'unchanged', changes });
  }

  for (const [i, entry] of listOf('partners').entries()) {
    await reached(lengthOf('libraries') + i);
    const path = pathOf(['partners', i]);
    const parsed = partnerEntrySchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push(rejection(path, entry, entryProblems(parsed.error, path)));
      continue;
    }
    const twice = duplicate('partner', parsed.data.symbol, path);
    if (twice.length > 0) {
      rejected.push(rejection(path, entry, twice));
      continue;
    }
    const stored = await deps.directory.partner(parsed.data.symbol);
    let partner: DirectoryFile['partners'][number];
    try {
      partner = { ...parsed.data, auth: keepMaskedSecrets(parsed.data.auth, stored?.auth ?? {}, PARTNER_SECRETS, `${path}.auth`) };
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      rejected.push(rejection(path, entry, err.fields));
      continue;
    }
    accepted.partners.push(partner);
    const changes = stored ? diffFields(storedPartnerFields(stored), partnerFieldsOf(partner), ['policies', 'auth'], maskerFor('auth', PARTNER_SECRETS)) : [];
    entries.push({ kind: 'partner', path, symbol: partner.symbol, outcome: !stored ? 'added' : changes.length > 0 ? 'changed' : 'unchanged', changes });
  }

  onProgress?.({ phase: 'checking', done: total, total });

  const count = (outcome: EntryOutcome) => entries.filter((e) => e.outcome === outcome).length;
  return {
    plan: { applied: false, counts: { added: count('added'), changed: count('changed'), unchanged: count('unchanged'), rejected: rejected.length }, entries, rejected },
    accepted,
  };
}

/**
 * What the file would do (dryRun) or did: the accepted entries are written in one transaction.
 * `onProgress` hears how far checking and writing are, for a large file's progress bar.
 */
export async function importDirectory(
  deps: ServiceDeps,
  input: z.output<typeof directoryImportSchema>,
  dryRun: boolean,
  onProgress?: (progress: ImportProgress) => void,
): Promise<DirectoryImportPlan> {
  const { plan, accepted } = await check(deps, parseDirectoryText(input.format, input.content), onProgress);
  if (dryRun) return plan;
  const changed = new Set(plan.entries.filter((e) => e.outcome !== 'unchanged').map((e) => `${e.kind}:${e.symbol}`));
  const writing: DirectoryFile = {
    libraries: accepted.libraries.filter((l) => changed.has(`library:${l.symbol}`)),
    partners: accepted.partners.filter((p) => changed.has(`partner:${p.symbol}`)),
  };
  if (writing.libraries.length + writing.partners.length > 0) {
    onProgress?.({ phase: 'writing', done: 0, total: writing.libraries.length + writing.partners.length });
    await deps.directory.write((db) =>
      loadDirectory(db, writing, deps.now(), async (done, total) => {
        onProgress?.({ phase: 'writing', done, total });
        await aTurn();
      }),
    );
  }
  return { ...plan, applied: true };
}

/** The directory as a file to import again: served libraries and partners, secrets masked. */
export async function exportDirectory(deps: ServiceDeps, format: 'yaml' | 'json'): Promise<string> {
  const file = {
    libraries: (await deps.directory.libraries()).map((l) => ({ symbol: l.symbol, name: l.name, settings: maskSecrets(l.settings, LIBRARY_SECRETS) })),
    partners: (await deps.directory.partners()).map((p) => {
      const fields = { symbol: p.symbol, ...storedPartnerFields(p), auth: maskSecrets(p.auth, PARTNER_SECRETS) };
      // The file's optional fields are absent rather than null, so the file reads as one written by hand.
      return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
    }),
  };
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`;
  return `# ${EXPORT_NOTE}\n${stringifyYaml(file)}`;
}
