/**
 * Filling a request form from a catalogue: staff give an ISBN, ISSN, OCLC number or record id,
 * and get title, author, edition, publisher, date and the identifiers of the records that match,
 * from the library's own catalogue (`settings.catalogue.local`) first, then its other sources.
 * A bounded call (each source's timeout), outside any transaction; nothing is stored.
 */
import { z } from 'zod';
import type { ItemMetadata } from '../../catalog/metadata';
import { lookupHoldings } from '../../catalog/lookup';
import type { CatalogueSource, ServerCatalogue } from '../../catalog/settings';
import { agencySymbolSchema } from '../../domain/symbols';
import type { LibraryRow } from '../../store/libraries';
import { cacheFor, catalogueOf, lookupSummary, type LookupSummary } from '../borrowing/holdings-routing';

const identifier = (max: number) => z.string().trim().min(1).max(max).optional();

export const metadataLookupSchema = z
  .object({
    library: agencySymbolSchema.optional().meta({ description: 'The library whose catalogues to ask; defaults to the key’s library, or to the only library served here' }),
    isbn: identifier(20),
    issn: identifier(20),
    oclcNumber: identifier(30),
    recordId: identifier(200).meta({ description: 'The catalogue’s own record id (a request’s supplierUniqueRecordId)' }),
  })
  .strict()
  .refine((q) => q.isbn !== undefined || q.issn !== undefined || q.oclcNumber !== undefined || q.recordId !== undefined, { message: 'needs an isbn, issn, oclcNumber or recordId' });

export type MetadataLookupQuery = z.output<typeof metadataLookupSchema>;

export interface MetadataLookup {
  /** The records found, from the first catalogue that found any (at most 10). */
  readonly records: readonly ItemMetadata[];
  /** The catalogue they came from. */
  readonly source?: string;
  /** Each catalogue asked, in order. */
  readonly lookups: readonly LookupSummary[];
  /** Why nothing was found. */
  readonly reason?: string;
}

const MAX_RECORDS = 10;

export async function lookUpMetadata(library: Pick<LibraryRow, 'symbol' | 'settings'>, query: MetadataLookupQuery, server?: ServerCatalogue): Promise<MetadataLookup> {
  const catalogue = catalogueOf(library, server);
  if (!catalogue) return { records: [], lookups: [], reason: `${library.symbol} has no catalogue to ask (settings.catalogue, or the server’s CATALOGUE_FILE)` };
  const sources: CatalogueSource[] = [...(catalogue.local ? [catalogue.local] : []), ...catalogue.sources];
  const item = {
    ...(query.isbn ? { isbn: query.isbn } : {}),
    ...(query.issn ? { issn: query.issn } : {}),
    ...(query.oclcNumber ? { oclcNumber: query.oclcNumber } : {}),
    ...(query.recordId ? { supplierUniqueRecordId: query.recordId } : {}),
  };
  const lookups: LookupSummary[] = [];
  for (const source of sources) {
    const lookup = await lookupHoldings(source, item, { cache: cacheFor(catalogue) });
    lookups.push(lookupSummary(lookup));
    const records = lookup.ok ? lookup.items.flatMap((i) => (i.metadata ? [i.metadata] : [])).slice(0, MAX_RECORDS) : [];
    if (records.length > 0) return { records, source: lookup.source, lookups };
  }
  const failed = lookups.filter((l) => !l.ok);
  return { records: [], lookups, reason: failed.length === lookups.length ? `no catalogue answered (${failed.map((l) => `${l.source}: ${l.reason}`).join('; ')})` : 'no catalogue has a record of it' };
}
