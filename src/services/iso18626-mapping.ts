/**
 * Our request data <-> ISO 18626 message parts. Pure functions: the delivery worker builds the
 * outgoing message from a request and an outbox payload; the inbound service reads an incoming
 * request into the data a supplier-side request keeps.
 */
import type { AgencyId, BibliographicInfo, Header, InboundMessage, Request } from '../../protocols/iso18626';
import { dateToDateTime } from '../../protocols/iso18626';
import { canonicalSymbol, symbolParts } from '../domain/symbols';
import type { Lifecycle } from '../domain/types';
import type { RequestRow } from '../store/requests';
import type { BorrowingRequestData } from './borrowing';
import type { SendPayload } from './effects';

export function agencyId(symbol: string): AgencyId {
  const { type, value } = symbolParts(symbol);
  return { agencyIdType: { value: type }, agencyIdValue: value };
}

export function symbolOf(id: AgencyId): string {
  return canonicalSymbol(`${id.agencyIdType.value}:${id.agencyIdValue}`);
}

type Bibliographic = BorrowingRequestData['bibliographic'];

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

/** What a supplier keeps of an incoming request, in the same shape a borrowing request uses. */
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
}

/** The ISO 18626 message an outbox row stands for, built from the request as it is now. */
export function outboundMessage(request: RequestRow, payload: SendPayload, ctx: OutboundContext): InboundMessage {
  const lifecycle = (request.data as { lifecycle?: Lifecycle }).lifecycle ?? { serviceType: request.serviceType };
  const at = dateToDateTime(ctx.timestamp);
  const ourSide = request.role === 'requester' ? request.requestingAgencyId : request.supplyingAgencyId!;
  const header: Header = defined({
    supplyingAgencyId: agencyId(request.role === 'requester' ? payload.to : ourSide),
    requestingAgencyId: agencyId(request.requestingAgencyId),
    timestamp: at,
    requestingAgencyRequestId: request.requestingAgencyRequestId,
    // Only the supplier we are talking to knows its own id for the request.
    supplyingAgencyRequestId: request.role === 'supplier' || request.supplyingAgencyId === payload.to ? (request.supplyingAgencyRequestId ?? undefined) : undefined,
    requestingAgencyAuthentication: ctx.authentication && Object.keys(ctx.authentication).length > 0 ? ctx.authentication : undefined,
  });
  const message = payload.message;
  switch (message.kind) {
    case 'request': {
      const data = request.data as Partial<BorrowingRequestData>;
      const entry = lifecycle.rota?.[message.rotaIndex];
      const { bibliographicInfo, publicationInfo } = bibliographicToIso(data.bibliographic ?? {});
      return defined({
        kind: 'request' as const,
        header,
        bibliographicInfo,
        publicationInfo,
        serviceInfo: defined({
          requestType: 'New' as const,
          serviceType: request.serviceType,
          needBeforeDate: data.neededBy ? `${data.neededBy.slice(0, 10)}T23:59:59Z` : undefined,
          note: data.note,
        }),
        supplierInfo: entry && (entry.localId || entry.callNumber) ? [defined({ supplierCode: agencyId(entry.symbol), supplierDescription: entry.localId, callNumber: entry.callNumber })] : undefined,
        requestingAgencyInfo: ctx.libraryName ? { name: ctx.libraryName } : undefined,
        // The patron's id only: name and address stay with the library that knows the patron.
        patronInfo: data.patron ? { patronId: data.patron.id } : undefined,
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
          note: message.note,
          reasonUnfilled: message.reasonUnfilled ? { value: message.reasonUnfilled } : undefined,
          reasonRetry: message.reasonRetry ? { value: message.reasonRetry } : undefined,
        }),
        statusInfo: defined({ status: message.status, dueDate: message.dueDate ? dateToDateTime(new Date(message.dueDate)) : undefined, lastChange: at }),
        deliveryInfo: message.delivered
          ? defined({ dateSent: at, loanCondition: message.loanConditions?.[0] ? { value: message.loanConditions[0] } : undefined })
          : undefined,
      });
  }
}

/** Drops undefined values, so optional elements are absent rather than empty. */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
