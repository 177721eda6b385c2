/**
 * A member library's NCIP connection to its own ILS. Field names follow ReShare mod-rs's settings
 * (`ncip_server_address`, `ncip_from_agency`, `ncip_to_agency`, `ncip_app_profile`,
 * `ncip_from_agency_authentication`); the per-ILS defaults for RequestType / RequestScopeType are
 * here because FOLIO wants "Page"/"Item", Sierra "Hold"/"Title", most others "Loan"/"Bibliographic Item".
 */
import { z } from 'zod';

export const ncipAuthenticationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  /** An API key in a header (FOLIO edge-ncip, proxies). */
  z.object({ type: z.literal('header'), name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), value: z.string().min(1) }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }),
]);

export const ncipSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  url: z.url({ protocol: /^https?$/ }),
  fromAgencyId: z.string().min(1),
  toAgencyId: z.string().min(1),
  /** Shared secret sent in the InitiationHeader; masked in every report. */
  fromAgencyAuthentication: z.string().min(1).optional(),
  /** ApplicationProfileType; mod-ncip selects its configuration by it. */
  applicationProfile: z.string().min(1).optional(),
  authentication: ncipAuthenticationSchema.default({ type: 'none' }),
  /** crosslink's mock refuses anything but application/xml; some servers want text/xml. */
  contentType: z.enum(['application/xml', 'text/xml']).default('application/xml'),
  /** mod-ncip's own backend timeout is 30 s; an ILS answer can legitimately take that long. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  requestType: z.string().min(1).default('Loan'),
  requestScopeType: z.string().min(1).default('Bibliographic Item'),
});

export type NcipSettings = z.output<typeof ncipSettingsSchema>;
export type NcipSettingsInput = z.input<typeof ncipSettingsSchema>;
export type NcipAuthentication = z.output<typeof ncipAuthenticationSchema>;

export function parseNcipSettings(input: unknown): NcipSettings {
  return ncipSettingsSchema.parse(input);
}

/**
 * Which circulation steps of an ILL loan call the library's ILS. Each defaults to on; a step
 * switched off is recorded as skipped in the request's audit trail and the loan goes on without it.
 */
export const ncipStepsSchema = z
  .object({
    /** Borrowing: check the patron when a request is created (blocked or unknown stops it). */
    lookupUser: z.boolean().default(true),
    /** Borrowing: a temporary item with a hold for the patron when the item arrives. */
    acceptItem: z.boolean().default(true),
    /** Both sides: the item comes back (from the patron; to the lender). */
    checkInItem: z.boolean().default(true),
    /** Borrowing: the temporary item is removed when it is shipped back. */
    deleteItem: z.boolean().default(true),
    /** Borrowing: the patron's hold is cancelled when the item goes back uncollected. */
    cancelRequestItem: z.boolean().default(true),
    /** Lending: the item is checked out to the borrowing library before Loaned is sent. */
    checkOutItem: z.boolean().default(true),
  })
  .strict();

/**
 * `libraries.settings.ncip`: the connection (`ncipSettingsSchema`, unchanged, so a plain
 * connection object is still valid) plus the circulation steps and, for lending, whose account
 * an item is checked out to.
 */
export const libraryNcipSettingsSchema = ncipSettingsSchema.extend({
  steps: ncipStepsSchema.default(ncipStepsSchema.parse({})),
  /**
   * Lending: the ILS account of each borrowing library, by agency symbol (`ISIL:DK-A` -> `ILL-DKA`);
   * ReShare's directory property `local_institutionalPatronId`.
   */
  borrowerAccounts: z.record(z.string().min(1), z.string().trim().min(1)).default({}),
  /**
   * Lending: the account of a borrowing library not in `borrowerAccounts`. `{agency}` is the
   * symbol's value (`DK-A`), `{symbol}` the whole symbol; a fixed id is one shared ILL account
   * (ReShare's `default_institutional_patron_id`).
   */
  defaultBorrowerAccount: z.string().trim().min(1).default('{agency}'),
  /**
   * Borrowing: AcceptItem barcodes are this prefix plus our request id; unset, the ILS assigns
   * the temporary item's barcode.
   */
  temporaryBarcodePrefix: z.string().trim().min(1).max(40).optional(),
});

export type NcipSteps = z.output<typeof ncipStepsSchema>;
export type LibraryNcipSettings = z.output<typeof libraryNcipSettingsSchema>;
export type LibraryNcipSettingsInput = z.input<typeof libraryNcipSettingsSchema>;

/** The ILS account a borrowing library's loans are checked out to at the lender. */
export function borrowerAccountFor(settings: Pick<LibraryNcipSettings, 'borrowerAccounts' | 'defaultBorrowerAccount'>, requestingAgency: string): string {
  const wanted = requestingAgency.trim().toLowerCase();
  const mapped = Object.entries(settings.borrowerAccounts).find(([symbol]) => symbol.trim().toLowerCase() === wanted);
  if (mapped) return mapped[1];
  const colon = requestingAgency.indexOf(':');
  const agency = colon >= 0 ? requestingAgency.slice(colon + 1) : requestingAgency;
  return settings.defaultBorrowerAccount.replace(/\{agency\}/g, agency).replace(/\{symbol\}/g, requestingAgency);
}
