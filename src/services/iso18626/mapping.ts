/**
 * Our request data <-> ISO 18626 message parts. Pure functions: the delivery worker builds the
 * outgoing message from a request and an outbox payload; the inbound service reads an incoming
 * request into the data a supplier-side request keeps.
 */
import type { Address, AgencyId, BibliographicInfo, Header, InboundMessage, PhysicalAddress, Request, SupplyingAgencyMessage } from '../../../protocols/iso18626';
import { dateToDateTime } from '../../../protocols/iso18626';
import { canonicalSymbol, symbolParts } from '../../domain/symbols';
import type { Costs } from '../../domain/types';
import type { BrokerData, RequestData, RequestDataInput, StoredAddress, StoredBibliographic, StoredPhysicalAddress } from '../../store/request-data';
import type { RequestRow } from '../../store/requests';
import type { SendPayload } from '../../jobs';
import { patronInfoFor } from '../privacy/patron-info';
import type { PatronDetailLevel } from '../privacy/settings';

export function agencyId(symbol: string): AgencyId {
  const { type, value } = symbolParts(symbol);
  return { agencyIdType: { value: type }, agencyIdValue: value };
}

export function symbolOf(id: AgencyId): string {
  return canonicalSymbol(`${id.agencyIdType.value}:${id.agencyIdValue}`);
}

type Bibliographic = StoredBibliographic;

export function bibliographicToIso(bib: Bibliographic): { bibliographicInfo: BibliographicInfo; publicationInfo?: Request['publicationInfo'] } {
  const itemIds = [
    ...(bib.isbn ? [{ bibliographicItemIdentifier: bib.isbn, bibliographicItemIdentifierCode: { value: 'ISBN' } }] : []),
    ...(bib.issn ? [{ bibliographicItemIdentifier: bib.issn, bibliographicItemIdentifierCode: { value: 'ISSN' } }] : []),
    ...(bib.doi ? [{ bibliographicItemIdentifier: bib.doi, bibliographicItemIdentifierCode: { value: 'DOI' } }] : []),
  ];
  const recordIds = bib.oclcNumber ? [{ bibliographicRecordIdentifierCode: { value: 'OCLC' }, bibliographicRecordIdentifier: bib.oclcNumber }] : [];
  const bibliographicInfo: BibliographicInfo = defined({
    supplierUniqueRecordId: bib.supplierUniqueRecordId,
    title: bib.title,
    author: bib.author,
    edition: bib.edition,
    titleOfComponent: bib.titleOfComponent,
    authorOfComponent: bib.authorOfComponent,
    volume: bib.volume,
    issue: bib.issue,
    pagesRequested: bib.pagesRequested,
    bibliographicItemId: itemIds.length > 0 ? itemIds : undefined,
    bibliographicRecordId: recordIds.length > 0 ? recordIds : undefined,
  });
  const publication = defined({ publisher: bib.publisher, publicationDate: bib.publicationDate, placeOfPublication: bib.placeOfPublication });
  return Object.keys(publication).length > 0 ? { bibliographicInfo, publicationInfo: publication } : { bibliographicInfo };
}

/**
 * What a request from a partner tells about the item, the patron and the requester, as request
 * data keeps it: everything a pull slip needs (call number, addresses, dates, note).
 */
export function requestDataFromIso(message: Request): Omit<RequestDataInput, 'lifecycle'> {
  const patron = message.patronInfo;
  const patronName = [patron?.givenName, patron?.surname].filter((n) => n !== undefined && n !== '').join(' ');
  const holding = holdingFromIso(message);
  const agencyInfo = message.requestingAgencyInfo;
  const agencyAddresses = (agencyInfo?.address ?? []).map(addressFromIso);
  const requestingAgency = agencyInfo ? defined({ name: agencyInfo.name, contactName: agencyInfo.contactName, addresses: agencyAddresses.length > 0 ? agencyAddresses : undefined }) : undefined;
  const delivery = [...(message.requestedDeliveryInfo ?? [])]
    .sort((a, b) => (a.sortOrder ?? Number.MAX_SAFE_INTEGER) - (b.sortOrder ?? Number.MAX_SAFE_INTEGER))
    .flatMap((d) => (d.address ? [addressFromIso(d.address)] : []));
  return {
    bibliographic: bibliographicFromIso(message),
    ...(patron?.patronId ? { patron: defined({ id: patron.patronId, name: patronName || undefined, givenName: patron.givenName || undefined, surname: patron.surname || undefined }) } : {}),
    ...(message.serviceInfo?.needBeforeDate ? { neededBy: message.serviceInfo.needBeforeDate.slice(0, 10) } : {}),
    ...(message.serviceInfo?.serviceLevel ? { serviceLevel: message.serviceInfo.serviceLevel.value } : {}),
    ...(message.serviceInfo?.note ? { note: message.serviceInfo.note } : {}),
    ...(message.billingInfo?.maximumCosts ? { billing: { maxCost: { monetaryValue: message.billingInfo.maximumCosts.monetaryValue, currencyCode: message.billingInfo.maximumCosts.currencyCode.value } } } : {}),
    ...(agencyInfo?.name ? { requestingAgencyName: agencyInfo.name } : {}),
    ...(requestingAgency && Object.keys(requestingAgency).length > 0 ? { requestingAgency } : {}),
    ...(delivery.length > 0 ? { deliveryAddresses: delivery } : {}),
    ...(holding ? { holding } : {}),
  };
}

/**
 * Our holding as the requester found it: the supplierInfo entry naming the library addressed, or
 * the only entry when it names no supplier.
 */
function holdingFromIso(message: Request): RequestData['holding'] {
  const us = symbolOf(message.header.supplyingAgencyId);
  const entries = message.supplierInfo ?? [];
  const entry = entries.find((e) => e.supplierCode !== undefined && symbolOf(e.supplierCode) === us) ?? (entries.length === 1 && entries[0]!.supplierCode === undefined ? entries[0] : undefined);
  const record = entry?.bibliographicRecordId;
  const holding = defined({
    callNumber: entry?.callNumber,
    summaryHoldings: entry?.summaryHoldings,
    availabilityNote: entry?.availabilityNote,
    supplierUniqueRecordId: message.bibliographicInfo.supplierUniqueRecordId,
    bibliographicRecordId: record ? { code: record.bibliographicRecordIdentifierCode.value, id: record.bibliographicRecordIdentifier } : undefined,
  });
  return Object.keys(holding).length > 0 ? holding : undefined;
}

function physicalAddressFromIso(address: PhysicalAddress): StoredPhysicalAddress {
  return defined({ line1: address.line1, line2: address.line2, locality: address.locality, postalCode: address.postalCode, region: address.region?.value, country: address.country?.value });
}

function addressFromIso(address: Address): StoredAddress {
  return 'physicalAddress' in address
    ? { physical: physicalAddressFromIso(address.physicalAddress) }
    : { electronic: { type: address.electronicAddress.electronicAddressType.value, data: address.electronicAddress.electronicAddressData } };
}

/** Where a lender wants its item back (SupplyingAgencyMessage returnInfo), as a borrowing request keeps it. */
export function returnToFromIso(info: NonNullable<SupplyingAgencyMessage['returnInfo']>): RequestData['returnTo'] {
  const returnTo = defined({
    agency: info.returnAgencyId ? symbolOf(info.returnAgencyId) : undefined,
    name: info.name,
    address: info.physicalAddress ? physicalAddressFromIso(info.physicalAddress) : undefined,
  });
  return Object.keys(returnTo).length > 0 ? returnTo : undefined;
}

export function bibliographicFromIso(request: Request): Bibliographic {
  const info = request.bibliographicInfo;
  const itemId = (code: string) => info.bibliographicItemId?.find((i) => i.bibliographicItemIdentifierCode.value.toUpperCase() === code)?.bibliographicItemIdentifier;
  const oclc = info.bibliographicRecordId?.find((r) => r.bibliographicRecordIdentifierCode.value.toUpperCase() === 'OCLC')?.bibliographicRecordIdentifier;
  return defined({
    title: info.title,
    author: info.author,
    titleOfComponent: info.titleOfComponent,
    authorOfComponent: info.authorOfComponent,
    edition: info.edition,
    volume: info.volume,
    issue: info.issue,
    pagesRequested: info.pagesRequested,
    publisher: request.publicationInfo?.publisher,
    publicationDate: request.publicationInfo?.publicationDate,
    placeOfPublication: request.publicationInfo?.placeOfPublication,
    isbn: itemId('ISBN'),
    issn: itemId('ISSN'),
    doi: itemId('DOI'),
    oclcNumber: oclc,
    supplierUniqueRecordId: info.supplierUniqueRecordId,
  }) as Bibliographic;
}

export interface OutboundContext {
  /** The header timestamp: the outbox row's creation, so every retry sends the same bytes. */
  readonly timestamp: Date;
  /** Our library's name, for requestingAgencyInfo. */
  readonly libraryName?: string;
  readonly authentication?: { readonly accountId?: string; readonly securityCode?: string };
  /** What a request tells the supplier about the patron (the library's privacy setting); absent: nothing. */
  readonly patronDetails?: PatronDetailLevel;
}

/** The ISO 18626 message an outbox row stands for, built from the request as it is now. */
export function outboundMessage(request: RequestRow, payload: SendPayload, ctx: OutboundContext): InboundMessage {
  const { data } = request;
  const lifecycle = data.lifecycle;
  const at = dateToDateTime(ctx.timestamp);
  const sides = request.role === 'broker' ? brokerSides(request, payload) : directSides(request, payload);
  const header: Header = defined({
    supplyingAgencyId: agencyId(sides.supplyingAgencyId),
    requestingAgencyId: agencyId(sides.requestingAgencyId),
    timestamp: at,
    requestingAgencyRequestId: request.requestingAgencyRequestId,
    supplyingAgencyRequestId: sides.supplyingAgencyRequestId,
    requestingAgencyAuthentication: ctx.authentication && Object.keys(ctx.authentication).length > 0 ? ctx.authentication : undefined,
  });
  const message = payload.message;
  switch (message.kind) {
    case 'request': {
      const entry = lifecycle.rota?.[message.rotaIndex];
      const { bibliographicInfo, publicationInfo } = bibliographicToIso(data.bibliographic ?? {});
      return defined({
        kind: 'request' as const,
        // A request goes out before the supplier has an id for it. Naming the id learnt since
        // would make a retry (after a crash between sending and recording) differ from the first
        // attempt, and the supplier would refuse it as a second request instead of a repeat.
        header: defined({ ...header, supplyingAgencyRequestId: undefined }),
        bibliographicInfo,
        publicationInfo,
        serviceInfo: defined({
          requestType: message.retryOf === undefined ? ('New' as const) : ('Retry' as const),
          // A Retry names the transaction the supplier offered it for (ISO 18626 RetryPossible).
          requestingAgencyPreviousRequestId: message.retryOf,
          serviceType: request.serviceType,
          needBeforeDate: data.neededBy ? `${data.neededBy.slice(0, 10)}T23:59:59Z` : undefined,
          note: message.note ?? data.note,
        }),
        supplierInfo: entry && (entry.localId || entry.callNumber) ? [defined({ supplierCode: agencyId(entry.symbol), supplierDescription: entry.localId, callNumber: entry.callNumber })] : undefined,
        requestingAgencyInfo: requesterName(request, ctx) ? { name: requesterName(request, ctx)! } : undefined,
        patronInfo: patronInfoFor(data.patron, ctx.patronDetails ?? 'none'),
        billingInfo: data.billing?.maxCost ? { maximumCosts: costsToIso(data.billing.maxCost) } : undefined,
      });
    }
    case 'requestingAgencyMessage':
      return defined({ kind: 'requestingAgencyMessage' as const, header, action: message.action, note: message.note });
    case 'supplyingAgencyMessage':
      return defined({
        kind: 'supplyingAgencyMessage' as const,
        header,
        messageInfo: defined({
          reasonForMessage: message.reasonForMessage,
          answerYesNo: message.answerYesNo,
          note: sides.supplierNote ? namingSupplier(sides.supplierNote, message.note) : message.note,
          reasonUnfilled: message.reasonUnfilled ? { value: message.reasonUnfilled } : undefined,
          reasonRetry: message.reasonRetry ? { value: message.reasonRetry } : undefined,
          offeredCosts: message.offeredCosts ? costsToIso(message.offeredCosts) : undefined,
          retryAfter: message.retryAfter ? dateToDateTime(new Date(message.retryAfter)) : undefined,
          retryBefore: message.retryBefore ? dateToDateTime(new Date(message.retryBefore)) : undefined,
        }),
        statusInfo: defined({ status: message.status, dueDate: message.dueDate ? dateToDateTime(new Date(message.dueDate)) : undefined, lastChange: at }),
        // A retry offer's conditions: 2021 has retryInfo for them; v1.2 has no place but the note (the codec writes retryInfo only in 2021).
        retryInfo: message.status === 'RetryPossible' && message.loanConditions?.length ? { loanCondition: message.loanConditions.map((value) => ({ value })) } : undefined,
        deliveryInfo: message.delivered
          ? defined({ dateSent: at, loanCondition: message.loanConditions?.[0] ? { value: message.loanConditions[0] } : undefined })
          : undefined,
      });
  }
}

function costsToIso(costs: Costs): { monetaryValue: string; currencyCode: { value: string } } {
  return { monetaryValue: costs.monetaryValue, currencyCode: { value: costs.currencyCode } };
}

interface Sides {
  readonly supplyingAgencyId: string;
  readonly requestingAgencyId: string;
  readonly supplyingAgencyRequestId: string | undefined;
  /** Opaque broker: the real supplier, named in the note of a relayed SAM. */
  readonly supplierNote?: string;
}

/** A requester or supplier row: our library on one side, the partner on the other. */
function directSides(request: RequestRow, payload: SendPayload): Sides {
  return {
    supplyingAgencyId: request.role === 'requester' ? payload.to : request.supplyingAgencyId!,
    requestingAgencyId: request.requestingAgencyId,
    // Only the supplier we are talking to knows its own id for the request.
    supplyingAgencyRequestId: request.role === 'supplier' || request.supplyingAgencyId === payload.to ? (request.supplyingAgencyRequestId ?? undefined) : undefined,
  };
}

/**
 * The broker hub (services/broker/hub.ts). Ids are not rewritten: every supplier gets the requester's
 * request id (CrossLink). Toward a supplier, the requesting agency is the hub (opaque) or the
 * real requester (transparent). Toward the requester, the supplying agency is the hub, with the
 * hub's id for the transaction; in transparent mode a relayed message names the real supplier
 * and its id instead, in opaque mode its note does (`Supplier: <symbol>`, CrossLink).
 */
function brokerSides(request: RequestRow, payload: SendPayload): Sides {
  const broker = brokerDataOf(request);
  const opaque = broker.mode !== 'transparent';
  if (payload.message.kind !== 'supplyingAgencyMessage') {
    return {
      supplyingAgencyId: payload.to,
      requestingAgencyId: opaque ? broker.symbol : request.requestingAgencyId,
      supplyingAgencyRequestId: request.supplyingAgencyId === payload.to ? (request.supplyingAgencyRequestId ?? undefined) : undefined,
    };
  }
  const supplier = payload.supplier;
  if (!opaque && supplier) {
    return { supplyingAgencyId: supplier, requestingAgencyId: request.requestingAgencyId, supplyingAgencyRequestId: request.supplyingAgencyId === supplier ? (request.supplyingAgencyRequestId ?? undefined) : undefined };
  }
  return { supplyingAgencyId: broker.symbol, requestingAgencyId: request.requestingAgencyId, supplyingAgencyRequestId: request.id, ...(supplier ? { supplierNote: supplier } : {}) };
}

/** What a broker row keeps of the hub it belongs to (`data.broker`), fixed when the request came in. */
export function brokerDataOf(request: RequestRow): BrokerData {
  const broker = request.data.broker;
  if (!broker) throw new Error(`broker request ${request.id} has no data.broker`);
  return broker;
}

/** CrossLink: `Supplier: <symbol>`, then the note after ", " (or directly when it starts with "#", a marker). */
function namingSupplier(supplier: string, note: string | undefined): string {
  if (!note) return `Supplier: ${supplier}`;
  return note.startsWith('#') ? `Supplier: ${supplier}${note}` : `Supplier: ${supplier}, ${note}`;
}

/** The requesting agency's name in a request: ours, or in a transparent hub the real requester's. */
function requesterName(request: RequestRow, ctx: OutboundContext): string | undefined {
  if (request.role === 'broker' && brokerDataOf(request).mode === 'transparent') return request.data.requestingAgencyName;
  return ctx.libraryName;
}

/** Drops undefined values, so optional elements are absent rather than empty. */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
