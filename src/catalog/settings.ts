/**
 * Where a library finds who holds an item: its catalogue sources (SRU endpoints), how each is
 * asked (the CQL index per identifier kind) and how its answer names holders (the holdings
 * mapping and the symbol mapping). Ready to be the `catalogue` part of `libraries.settings`
 * (src/services/directory/library-settings.ts), or the server's catalogues (CATALOGUE_FILE).
 */
import { z } from 'zod';
import { agencySymbolSchema } from '../domain/symbols';

const text = (max: number) => z.string().trim().min(1).max(max);
const subfieldCode = z.string().regex(/^[0-9a-zA-Z]$/, 'a subfield code: one letter or digit');
const fieldTag = z.string().regex(/^[0-9A-Za-z]{3}$/, 'a field tag: three letters or digits');
/** A CQL index name as servers spell them: `isbn`, `alma.isbn`, `pica.isb`, `dc.identifier`. */
const cqlIndex = z.string().regex(/^[A-Za-z][\w.-]*$/, 'a CQL index such as alma.isbn or dc.identifier');
/** One index, or several ORed (crosslink asks GVI `rec.id=X OR isbn=X OR issn=X`). */
const cqlIndexes = z.union([cqlIndex, z.array(cqlIndex).min(1).max(5)]);

/**
 * What a holder's catalogue says it does for interlibrary loan (the GVI 924 $d indicator's
 * vocabulary): loan: volumes are lent, no copies (924 $d a); loan-or-copy: unrestricted (c);
 * copy-only: paper copies, no loan (b); electronic-only: electronic delivery only (e); none: no
 * ILL (d); unknown: the record does not say (the holder's directory policies decide).
 */
export const ILL_KINDS = ['loan', 'loan-or-copy', 'copy-only', 'electronic-only', 'none', 'unknown'] as const;
export type IllKind = (typeof ILL_KINDS)[number];

/** A field/subfield mapping for catalogues none of the shipped mappings read. */
export const genericHoldingsMappingSchema = z
  .object({
    kind: z.literal('generic'),
    tag: fieldTag.meta({ description: 'The field with one holding each, e.g. 949 (swissbib), 049 (BVB), 954 (GVK)', example: '949' }),
    code: subfieldCode.meta({ description: 'The subfield naming the holding library (an ISIL or a local code)', example: 'F' }),
    callNumber: subfieldCode.optional().meta({ description: 'The subfield with the call number' }),
    location: subfieldCode.optional().meta({ description: 'The subfield with the shelving location' }),
    note: subfieldCode.optional().meta({ description: 'A subfield shown to staff as it is' }),
    availability: z
      .object({
        subfield: subfieldCode,
        available: z.array(text(50)).min(1).meta({ description: 'Values (case-insensitive) that mean a copy is on the shelf; any other value: unavailable' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Absent: availability unknown' }),
    ill: z
      .object({
        subfield: subfieldCode,
        values: z.record(text(50), z.enum(ILL_KINDS)).meta({ description: 'What each value (case-insensitive) of the subfield means for interlibrary loan; a value not listed: unknown', example: { a: 'loan', d: 'none' } }),
      })
      .strict()
      .optional()
      .meta({ description: 'Absent: the ILL terms are unknown (the holder’s directory policies decide)' }),
  })
  .strict();

export const holdingsMappingSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('marc852') }).strict().meta({ description: 'MARC 852 $a/$b the holder, $c call number, $z note; also DNB/ZDB MARC21plus-xml Holdings records and Alma network-zone answers (one 852 per member)' }),
    z.object({ kind: z.literal('marc924') }).strict().meta({ description: 'MARC 924 of the German union catalogues (GVI, K10plus): $b ISIL, $d the ILL indicator a–e' }),
    z.object({ kind: z.literal('alma') }).strict().meta({ description: 'Alma AVA (physical: library, location, call number, availability, item counts) and AVE (electronic portfolios: never a physical loan)' }),
    z.object({ kind: z.literal('isohold') }).strict().meta({ description: 'ISO 20775 holdings (recordSchema isohold): ISIL, copies; only availableFor 1 counts for ILL' }),
    z.object({ kind: z.literal('opac') }).strict().meta({ description: 'Z39.50 OPAC records as XML (<opacRecord><holdings>): nucCode, localLocation, callNumber, availableNow' }),
    z.object({ kind: z.literal('koha952') }).strict().meta({ description: 'Koha items (952): $b holding branch (else $a home branch), $7 not for loan, $o call number, $p barcode, $q due date' }),
    genericHoldingsMappingSchema,
  ])
  .meta({ description: 'Where a record names its holding libraries and their status' });

/** How the codes a catalogue writes become the directory's agency symbols. */
export const symbolMappingSchema = z
  .object({
    table: z
      .record(text(100), agencySymbolSchema)
      .default({})
      .meta({ description: 'Local codes (case-insensitive) and the symbol each stands for; checked first', example: { '47BIBSYS_UBO': 'ISIL:NO-0030100', KatzLib: 'ISIL:US-PU-K' } }),
    isilPattern: z
      .string()
      .refine(isRegExp, 'a regular expression')
      .nullable()
      .default('^[A-Za-z]{2}-[A-Za-z0-9:/-]{1,13}$')
      .meta({ description: 'A code matching it is an ISIL and becomes ISIL:<code> (DE-705 → ISIL:DE-705); null: only the table maps' }),
    codePrefix: z
      .string()
      .max(20)
      .default('')
      .meta({ description: 'Put before a code that the table does not map, before the ISIL pattern is tried (a catalogue writing 705 for DE-705: "DE-")' }),
  })
  .strict();

export const catalogueSourceSchema = z
  .object({
    name: text(200).optional().meta({ description: 'What staff read in routing explanations; absent: the host name', example: 'GVI union catalogue' }),
    url: z.url({ protocol: /^https?$/ }).meta({ description: 'The SRU base URL (searchRetrieve parameters are added to it)', example: 'https://sru.k10plus.de/opac-de-627' }),
    version: z.enum(['1.1', '1.2', '2.0']).default('1.2').meta({ description: 'SRU version; 2.0 sends recordXMLEscaping instead of recordPacking' }),
    recordSchema: text(100).default('marcxml').meta({ description: 'marcxml, MARC21plus-xml (DNB/ZDB), isohold (ISO 20775), opacxml, …' }),
    recordPacking: z.enum(['xml', 'string']).default('xml').meta({ description: 'string: records come as escaped XML text (both are read either way)' }),
    maximumRecords: z.number().int().min(1).max(100).default(10),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000).meta({ description: 'For the whole exchange; a slower catalogue counts as down and routing falls back to the directory' }),
    // Ten MARC records with their holdings are some 150 kB; parsing takes ~0.4 ms per kB here,
    // on the event loop, so a catalogue answering megabytes is refused rather than read.
    maxAnswerBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(2 * 1024 * 1024).meta({ description: 'A longer answer is refused, not parsed' }),
    // Settings are read back to staff and exported unmasked: no credentials here.
    parameters: z
      .record(z.string().regex(/^[A-Za-z][\w.-]*$/), z.string().max(500))
      .default({})
      .meta({ description: 'Extra query parameters the server wants (x-… extensions). Staff and the directory export see them: put no credentials here' }),
    indexes: z
      .object({
        isbn: cqlIndexes.optional().meta({ example: 'alma.isbn' }),
        issn: cqlIndexes.optional().meta({ example: 'alma.issn' }),
        oclc: cqlIndexes.optional().meta({ example: 'alma.other_system_number' }),
        recordId: cqlIndexes.optional().meta({ description: 'The request’s supplierUniqueRecordId', example: 'alma.mms_id' }),
        title: cqlIndexes.optional().meta({ example: 'alma.title' }),
        author: cqlIndexes.optional().meta({ example: 'alma.creator' }),
      })
      .strict()
      .meta({ description: 'The CQL index per identifier kind; a kind without one is not asked. Title and author are the fallback when no identifier can be asked' }),
    isbnBothForms: z.boolean().default(true).meta({ description: 'Ask a valid ISBN as both ISBN-10 and ISBN-13 (ORed): records carry either' }),
    holdings: holdingsMappingSchema,
    symbols: symbolMappingSchema.default(symbolMappingSchema.parse({})),
  })
  .strict();

export type CatalogueSource = z.output<typeof catalogueSourceSchema>;
export type CatalogueSourceInput = z.input<typeof catalogueSourceSchema>;
export type HoldingsMapping = z.output<typeof holdingsMappingSchema>;
export type GenericHoldingsMapping = z.output<typeof genericHoldingsMappingSchema>;
export type SymbolMapping = z.output<typeof symbolMappingSchema>;

const sourcesSchema = z.array(catalogueSourceSchema).min(1).max(10).meta({ description: 'Where lenders are found, asked in this order until one names a holder that can serve the request; a source that fails is explained and the next is asked' });
const lookupOptionsShape = {
  unavailableHolders: z.enum(['last', 'drop']).default('last').meta({ description: 'Holders whose copies are all unavailable: asked after the others, or not at all' }),
  cacheSeconds: z.number().int().min(0).max(86_400).default(600).meta({ description: 'How long a catalogue’s answer is used again for the same question (0: never); failed lookups are not kept' }),
  // A request waits for its lookup (an NCIP caller too): the sources together get this long.
  lookupBudgetMs: z.number().int().min(500).max(120_000).default(15_000).meta({ description: 'The longest all sources together may take for one request; a source left with no time is not asked, and says so' }),
};

/** The server's catalogues (CATALOGUE_FILE): the sources of every member library that names none of its own. */
export const serverCatalogueSchema = z.object({ sources: sourcesSchema, ...lookupOptionsShape }).strict();

/** `libraries.settings.catalogue`. */
export const catalogueSettingsSchema = z
  .object({
    sources: sourcesSchema.optional().meta({ description: 'The library’s own union catalogues; absent: the server’s (CATALOGUE_FILE), with its unavailableHolders and cacheSeconds' }),
    local: catalogueSourceSchema.optional().meta({ description: 'The library’s own catalogue: an available copy there holds a new request for staff to fill locally, and the form lookup asks it first' }),
    ...lookupOptionsShape,
  })
  .strict()
  .refine((s) => s.sources !== undefined || s.local !== undefined, { message: 'needs sources, a local catalogue, or both' });

export type ServerCatalogue = z.output<typeof serverCatalogueSchema>;
export type LibraryCatalogue = z.output<typeof catalogueSettingsSchema>;

/** The catalogues a library asks: its own sources, or the server's; its own local catalogue. */
export interface CatalogueSettings extends Omit<LibraryCatalogue, 'sources'> {
  /** Empty: no union catalogue, only the local one. */
  readonly sources: readonly CatalogueSource[];
}

/**
 * What a library asks, from its settings and the server's: a library that names sources uses
 * only its own; one that names none uses the server's (and how the server treats their answers).
 * Undefined when there is nothing to ask.
 */
export function effectiveCatalogue(library: LibraryCatalogue | undefined, server: ServerCatalogue | undefined): CatalogueSettings | undefined {
  if (library?.sources) return { ...library, sources: library.sources };
  if (server) return { ...server, ...(library?.local ? { local: library.local } : {}) };
  return library ? { ...library, sources: [] } : undefined;
}


function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
