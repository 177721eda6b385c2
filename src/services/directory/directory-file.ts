/**
 * Bootstrapping a consortium from one JSON or YAML file (DIRECTORY_FILE): the member libraries
 * this server serves, and the partner directory. Loaded at start; entries are matched by symbol
 * and updated in place, so the file can be edited and the server restarted. Entries not in the
 * file are left alone (staff may have added them through the API).
 *
 *   libraries:                      # served here; they lend to each other with no partner entries
 *     - symbol: ISIL:DK-100
 *       name: Main Library
 *       settings:                   # library-settings.ts; checked as PATCH /api/v1/libraries/{symbol} checks them
 *         lending: { services: [Loan], loanPeriodDays: 28 }   # to the other libraries here, as a partner's policies
 *         routing: { strategy: load_balance }
 *         broker: { mode: opaque }
 *         ncip: { url: ..., fromAgencyId: ..., toAgencyId: ... }
 *         mail: { fromAddress: ..., timeZone: Europe/Copenhagen }
 *         pickupLocations: [{ code: MAIN, name: Main library }]
 *   partners:                       # a partner with a library's symbol and an iso18626Url wins: messages to it go over HTTP
 *     - symbol: ISIL:DK-200
 *       name: Partner Library
 *       iso18626Url: https://ill.partner.example/iso18626
 *       auth: { inbound: { securityCode: ... }, outbound: { securityCode: ..., httpHeaders: { ... } } }
 *       policies: { services: [Loan], dailyLimit: 20 }
 *       contactEmail: ill@partner.example
 *       protocolVersion: '2021'       # ISO 18626 schema to write to it: '1.2' (default) or '2021'
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PROTOCOL_VERSIONS } from '../../../protocols/iso18626';
import { lendingPoliciesSchema } from '../../domain/policies';
import { canonicalSymbol } from '../../domain/symbols';
import type { Db } from '../../store/db';
import { upsertLibraries, upsertPartners } from '../../store/directory';
import { readSettingsFile } from '../settings-file';
import { librarySettingsSchema } from './library-settings';
import { partnerAuthSchema } from './partner-auth';

const symbol = z
  .string()
  .trim()
  .min(3)
  .transform((s) => canonicalSymbol(s));

/** One entry of `libraries:`; the same schemas as PATCH /api/v1/libraries/{symbol}: a wrong broker mode stops the start here, not at the first message. */
export const libraryEntrySchema = z.object({ symbol, name: z.string().trim().min(1), settings: librarySettingsSchema.default({}) }).strict();

/** One entry of `partners:`. */
export const partnerEntrySchema = z
  .object({
    symbol,
    name: z.string().trim().min(1),
    iso18626Url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    auth: partnerAuthSchema,
    policies: lendingPoliciesSchema.default(lendingPoliciesSchema.parse({})),
    vendor: z.string().trim().min(1).optional(),
    contactEmail: z.email().optional(),
    status: z.enum(['active', 'suspended', 'inactive']).default('active'),
    protocolVersion: z.enum(PROTOCOL_VERSIONS).default('1.2'),
  })
  .strict();

export const directoryFileSchema = z
  .object({
    libraries: z.array(libraryEntrySchema).default([]),
    partners: z.array(partnerEntrySchema).default([]),
  })
  .strict();

export type DirectoryFile = z.output<typeof directoryFileSchema>;

export interface DirectoryLoadResult {
  readonly libraries: { readonly created: number; readonly updated: number };
  readonly partners: { readonly created: number; readonly updated: number };
}

/** Reads and validates the file; every problem is reported with its path (`libraries[2].settings.broker.mode`). */
export function readDirectoryFile(path: string): DirectoryFile {
  return readSettingsFile(path, directoryFileSchema, { setting: 'DIRECTORY_FILE', what: 'the directory file' });
}

/** A file entry's partner fields as the store keeps them: an optional field left out is null. */
export function partnerFieldsOf(p: DirectoryFile['partners'][number]) {
  return {
    name: p.name,
    iso18626Url: p.iso18626Url ?? null,
    auth: p.auth,
    policies: p.policies,
    vendor: p.vendor ?? null,
    contactEmail: p.contactEmail ?? null,
    status: p.status,
    protocolVersion: p.protocolVersion,
  };
}

/**
 * Writes the file's entries in one transaction, a few hundred rows per statement; `onProgress`
 * hears how many entries are written after each statement (the import's progress).
 */
export async function loadDirectory(db: Db, file: DirectoryFile, at: Date, onProgress?: (done: number, total: number) => void | Promise<void>): Promise<DirectoryLoadResult> {
  const total = file.libraries.length + file.partners.length;
  let done = 0;
  const written = async (n: number) => {
    done += n;
    await onProgress?.(done, total);
  };
  return db.transaction(async (tx) => {
    const libraries = await upsertLibraries(
      tx,
      file.libraries.map((library) => ({ id: randomUUID(), symbol: library.symbol, name: library.name, settings: library.settings })),
      at,
      written,
    );
    const partners = await upsertPartners(
      tx,
      file.partners.map((partner) => ({ id: randomUUID(), symbol: partner.symbol, ...partnerFieldsOf(partner) })),
      at,
      written,
    );
    return { libraries, partners };
  });
}
