/**
 * What a request keeps in `requests.data`, as one schema: the lifecycle the machines read and
 * change, what was asked for (bibliographic, patron, pickup, dates, note), where it came from,
 * how it was routed, the broker hub it belongs to, and what the ILS told us. The store decodes
 * the column with it on every read, so the rest of the server works on a typed request and no
 * module casts `data`.
 *
 * Every object is loose: a key this version does not know (written by a newer one, or by hand)
 * is kept on read and written back unchanged, so nothing stored is lost by an upgrade and a
 * downgrade. A value that does not fit its field is a corrupt row: reading it fails loudly
 * (RequestDataCorrupt) instead of a machine deciding on half a request.
 */
import { z } from 'zod';
import { STATUSES } from '../../protocols/iso18626/types';
import { BROKER_MODES } from '../domain/broker';
import { REASON_CATEGORIES, type Lifecycle, type ServiceType, type SupplierStatus } from '../domain/types';

const text = z.string();
const optionalText = text.optional();

export const SERVICE_TYPES = ['Loan', 'Copy', 'CopyOrLoan'] as const satisfies readonly ServiceType[];
/** ISO 18626 type_status, as the protocol module lists it (the domain's SupplierStatus is the same set). */
export const SUPPLIER_STATUSES = STATUSES satisfies readonly SupplierStatus[];

/**
 * The schema, built with `object`: z.object gives the types (known fields only), z.looseObject
 * decodes (unknown fields kept, see above). One tree, so the two cannot differ.
 */
function schemaWith(object: typeof z.object) {
  const rotaEntrySchema = object({ symbol: text, localId: optionalText, callNumber: optionalText });
  const costsSchema = object({ monetaryValue: text, currencyCode: text });
  /** A RetryPossible offer (src/domain/types.ts `RetryOffer`). */
  const retryOfferSchema = object({
    reason: text,
    retryAfter: optionalText,
    retryBefore: optionalText,
    offeredCosts: costsSchema.optional(),
    loanConditions: z.array(text).optional(),
    note: optionalText,
    supplier: optionalText,
    at: text,
    throughHub: z.boolean().optional(),
  });

  /** The machines' fields (src/domain/types.ts `Lifecycle`). */
  const lifecycleSchema = object({
    serviceType: z.enum(SERVICE_TYPES),
    rota: z.array(rotaEntrySchema).optional(),
    rotaIndex: z.number().int().min(0).optional(),
    dueDate: optionalText,
    loanConditions: z.array(text).optional(),
    resumeState: optionalText,
    lastStatus: z.enum(SUPPLIER_STATUSES).optional(),
    renewals: z.number().int().min(0).optional(),
    reason: optionalText,
    reasonCategory: z.enum(REASON_CATEGORIES).optional().meta({ description: 'Requester in error: patron_blocked, patron_unknown, patron_not_permitted or patron_ambiguous (the ILS’s LookupUser verdict)' }),
    itemId: optionalText,
    pendingNote: optionalText,
    retryOffer: retryOfferSchema.optional(),
    retryAt: optionalText,
    earlierRequestIds: z.array(text).optional(),
    heldLocally: z.boolean().optional(),
  });

  /** The item asked for. From staff it has a title or an identifier; from a partner, what it sent. */
  const storedBibliographicSchema = object({
    title: optionalText,
    author: optionalText,
    titleOfComponent: optionalText,
    authorOfComponent: optionalText,
    edition: optionalText,
    volume: optionalText,
    issue: optionalText,
    pagesRequested: optionalText,
    publisher: optionalText,
    publicationDate: optionalText,
    placeOfPublication: optionalText,
    isbn: optionalText,
    issn: optionalText,
    oclcNumber: optionalText,
    doi: optionalText,
    supplierUniqueRecordId: optionalText,
  });

  const storedPatronSchema = object({
    id: text,
    /** As staff or the partner gave it; else the ILS's (LookupUser). Patron mail greets with it. */
    name: optionalText,
    /** The ILS's structured name (LookupUser), or the partner's (ISO 18626 patronInfo). */
    givenName: optionalText,
    surname: optionalText,
    email: optionalText,
    noMail: z.boolean().optional(),
  });

  const physicalAddressSchema = object({ line1: optionalText, line2: optionalText, locality: optionalText, postalCode: optionalText, region: optionalText, country: optionalText });
  /** An ISO 18626 address: a postal address or an electronic one (e-mail, URL, ...). */
  const addressSchema = object({ physical: physicalAddressSchema.optional(), electronic: object({ type: text, data: text }).optional() });

  const routingVerdictSchema = object({ symbol: text, kept: z.boolean(), rank: z.number().optional(), reason: text });
  /** Routing from holdings (services/borrowing/holdings-routing.ts): what the catalogues were asked and said. */
  const lookupSummarySchema = object({ source: text, cql: optionalText, ok: z.boolean(), durationMs: z.number(), cached: z.boolean().optional(), records: z.number().int().optional(), holdings: z.number().int().optional(), reason: optionalText });
  const holdingsRecordSchema = object({
    outcome: z.enum(['holders', 'directory']).meta({ description: 'holders: the rota was chosen among them; directory: no holder could serve, routed from the directory' }),
    reason: optionalText,
    lookups: z.array(lookupSummarySchema),
    holders: z.array(object({ symbol: optionalText, codes: z.array(text), kept: z.boolean(), reason: text })),
  });
  /** The library's own catalogue asked at creation (holdings-routing.ts checkLocalHoldings). */
  const localHoldingsRecordSchema = object({
    held: z.boolean().meta({ description: 'An available physical copy was found: the request waits in local_review for staff' }),
    copies: z.array(object({ code: text, location: optionalText, callNumber: optionalText, itemId: optionalText, availableCopies: z.number().int().optional() })),
    lookup: lookupSummarySchema,
  });

  return object({
    lifecycle: lifecycleSchema.optional(),
    bibliographic: storedBibliographicSchema.optional(),
    patron: storedPatronSchema.optional(),
    pickupLocation: optionalText,
    /** The format wanted (open list: Book, Journal, DVD ...). */
    format: optionalText,
    /** The date after which the patron no longer wants the item (YYYY-MM-DD). */
    neededBy: optionalText,
    note: optionalText,
    /** Suppliers the request named (staff, a discovery layer, or a brokered request's candidates). */
    candidates: z.array(rotaEntrySchema).optional(),
    /** Who made a borrowing request: staff, an NCIP caller with the id it gave the request, or the patron (with where their citation came from, an OpenURL's rfr_id or sid). */
    source: object({ channel: z.enum(['staff', 'ncip', 'patron']), externalId: optionalText, referrer: optionalText }).optional(),
    /** How the rota was chosen, for staff to read. */
    routing: object({ strategy: text, explanation: z.array(routingVerdictSchema), at: text, holdings: holdingsRecordSchema.optional(), local: localHoldingsRecordSchema.optional() }).optional(),
    /** The most the library will pay (ISO 18626 billingInfo maximumCosts), e.g. as staff set it taking up a retry offer. */
    billing: object({ maxCost: costsSchema.optional() }).optional(),
    /** Supplier: this request is a Retry of our request with this id (its last status was RetryPossible). */
    retryOf: optionalText,
    /** Supplier: the requester took up our retry offer with the request with this id. */
    retriedAs: optionalText,
    /** Borrowing: staff asked again for what this ended request (its id) asked for: this is the new request. */
    rerequestOf: optionalText,
    /** Borrowing: this ended request was asked for again as the request with this id. */
    rerequestedAs: optionalText,
    /** A request from a partner: the requesting agency's name as it sent it. */
    requestingAgencyName: optionalText,
    /** Lending (pull slip): who asked, as the request's requestingAgencyInfo says (name, contact, addresses). */
    requestingAgency: object({ name: optionalText, contactName: optionalText, addresses: z.array(addressSchema).optional() })
      .optional()
      .meta({ description: 'Lending: the requesting agency as its request describes it (pull slip)' }),
    /** Lending (pull slip): where the requester wants the item sent (requestedDeliveryInfo, in its order). */
    deliveryAddresses: z.array(addressSchema).optional().meta({ description: 'Lending: where to send the item (requestedDeliveryInfo, in its order)' }),
    /** Lending (pull slip): our holding as the requester found it (its supplierInfo for us). */
    holding: object({
      callNumber: optionalText,
      summaryHoldings: optionalText,
      availabilityNote: optionalText,
      supplierUniqueRecordId: optionalText,
      bibliographicRecordId: object({ code: text, id: text }).optional(),
    })
      .optional()
      .meta({ description: 'Lending: call number and shelving details of our copy as the requester sent them (supplierInfo for this library, pull slip)' }),
    /** Lending: the requester's service level (ISO 18626 serviceLevel: Express, Normal, ... an open list). */
    serviceLevel: optionalText,
    /** Borrowing (book band): where the lender wants the item back (its returnInfo), when it said. */
    returnTo: object({ agency: optionalText, name: optionalText, address: physicalAddressSchema.optional() })
      .optional()
      .meta({ description: 'Borrowing: where the item goes back to, as the lender said (ISO 18626 returnInfo; book band)' }),
    /** The patron's details (patron, note) were erased (services/privacy/erasure.ts): when, and why. */
    patronErased: object({ at: text, reason: z.enum(['retention', 'staff']) })
      .optional()
      .meta({ description: 'The patron’s details and the request’s note were erased: by the library’s retention (settings.privacy.retentionDays) or by staff (POST /patrons/erase); the rest of the request stays' }),
    /** A broker row: the hub it belongs to and its mode, fixed at intake. */
    broker: object({ symbol: text, mode: z.enum(BROKER_MODES) }).optional(),
    /** What the library's ILS told us (NCIP). */
    ncip: object({
      /** Borrowing: the temporary item AcceptItem created (NCIP callers find requests by it). */
      itemId: optionalText.meta({ description: 'Borrowing: the ILS’s temporary item barcode from AcceptItem (staff write it on the book band; `q` and `barcode` find the request by it)' }),
      /** Borrowing: the ILS's hold (request) id from AcceptItem. */
      requestId: optionalText,
      /** Lending: the checkout to the borrowing library. */
      checkOut: object({ itemId: text, userId: text, dueDate: optionalText }).optional(),
    }).optional(),
  });
}

export const requestDataSchema = schemaWith(z.looseObject as unknown as typeof z.object);
type RequestDataFields = z.output<ReturnType<typeof schemaWith>>;
export type StoredBibliographic = NonNullable<RequestDataFields['bibliographic']>;
export type StoredPatron = NonNullable<RequestDataFields['patron']>;
export type StoredAddress = NonNullable<RequestDataFields['deliveryAddresses']>[number];
export type StoredPhysicalAddress = NonNullable<NonNullable<RequestDataFields['returnTo']>['address']>;

/** The decoded column. `lifecycle` is always there: a row written before it had one gets `{ serviceType }`. */
export type RequestData = Omit<RequestDataFields, 'lifecycle'> & { lifecycle: Lifecycle };
/** What may be written: a row without a lifecycle yet reads back with `{ serviceType }`. */
export type RequestDataInput = Omit<RequestData, 'lifecycle'> & { readonly lifecycle?: Lifecycle };
export type RequestNcipData = NonNullable<RequestData['ncip']>;
export type BrokerData = NonNullable<RequestData['broker']>;
export type HoldingsRecord = NonNullable<NonNullable<RequestData['routing']>['holdings']>;
export type LocalHoldingsRecord = NonNullable<NonNullable<RequestData['routing']>['local']>;

/** A row whose `data` does not fit the schema: written by hand or by a bug, never by this server. */
export class RequestDataCorrupt extends Error {
  constructor(
    readonly requestId: string,
    readonly problems: string,
  ) {
    super(`request ${requestId} has data this server cannot read: ${problems}`);
    this.name = 'RequestDataCorrupt';
  }
}

export function decodeRequestData(row: { readonly id: string; readonly serviceType: Lifecycle['serviceType']; readonly data: unknown }): RequestData {
  const result = requestDataSchema.safeParse(row.data ?? {});
  // The schema's lifecycle is the domain's Lifecycle, field for field.
  if (result.success) return { ...result.data, lifecycle: (result.data.lifecycle as Lifecycle | undefined) ?? { serviceType: row.serviceType } };
  const requestId = row.id;
  throw new RequestDataCorrupt(requestId, result.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; '));
}
