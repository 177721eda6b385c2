/**
 * What a pull slip and a book band say, read from a request's typed data (pure: no React, no
 * barcodes), and the order pull slips come out in: by shelving location, then call number, as
 * staff walk the stacks.
 */
import type { Schemas } from '../api/client';
import { formatDate } from '../format';

type Request = Schemas['Request'];

export interface PullSlip {
  readonly id: string;
  readonly title: string | undefined;
  readonly author: string | undefined;
  readonly callNumber: string | undefined;
  /** ISO 18626 summaryHoldings: where on our shelves the requester found the copy. */
  readonly location: string | undefined;
  readonly requester: string;
  readonly requesterSymbol: string;
  /** YYYY-MM-DD, as the requester sent it. */
  readonly needBefore: string | undefined;
  /** What the barcode and QR code carry: the id we gave the requester, which the scan box finds. */
  readonly ourRequestId: string;
  readonly theirRequestId: string;
  /** Our library's number for the request, as staff search for it. */
  readonly requestNumber: string;
  readonly serviceType: Request['serviceType'];
  readonly serviceLevel: string | undefined;
  readonly note: string | undefined;
}

export interface BookBand {
  readonly id: string;
  readonly title: string | undefined;
  readonly patronName: string | undefined;
  readonly patronId: string | undefined;
  /** The location's name from the library's settings, else the code the request carries. */
  readonly pickupLocation: string | undefined;
  /** In the library's time zone. */
  readonly dueDate: string | undefined;
  readonly returnTo: readonly string[];
  /** The ILS's temporary item barcode (NCIP AcceptItem). */
  readonly temporaryBarcode: string | undefined;
  readonly lenderRequestId: string | undefined;
  readonly lender: string | undefined;
  readonly ourRequestId: string;
  /** Our library's number for the request: the one the patron's mail quotes. */
  readonly requestNumber: string;
}

export interface PickupLocationName {
  readonly code: string;
  readonly name: string;
}

function titleOf(request: Request): string | undefined {
  const bib = request.data.bibliographic;
  if (bib?.titleOfComponent) return bib.title ? `${bib.titleOfComponent} (${bib.title})` : bib.titleOfComponent;
  return bib?.title ?? bib?.isbn ?? bib?.issn ?? bib?.oclcNumber ?? bib?.doi;
}

export function pullSlipOf(request: Request): PullSlip {
  const { data } = request;
  const bib = data.bibliographic;
  return {
    id: request.id,
    title: titleOf(request),
    author: bib?.authorOfComponent ?? bib?.author,
    callNumber: data.holding?.callNumber,
    location: data.holding?.summaryHoldings,
    requester: data.requestingAgency?.name ?? data.requestingAgencyName ?? request.requestingAgencyId,
    requesterSymbol: request.requestingAgencyId,
    needBefore: data.neededBy,
    ourRequestId: request.supplyingAgencyRequestId ?? request.id,
    theirRequestId: request.requestingAgencyRequestId,
    requestNumber: request.requestNumber,
    serviceType: request.serviceType,
    serviceLevel: data.serviceLevel,
    note: data.note,
  };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Missing values go last, so slips that say where to look come first. */
function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return collator.compare(a, b);
}

/** Location, then call number (numbers inside compared as numbers: QA 76 before QA 100), then our id: one order every time. */
export function sortPullSlips(slips: readonly PullSlip[]): PullSlip[] {
  return [...slips].sort((a, b) => compareText(a.location, b.location) || compareText(a.callNumber, b.callNumber) || compareText(a.ourRequestId, b.ourRequestId));
}

function addressLines(address: NonNullable<NonNullable<Request['data']['returnTo']>['address']> | undefined): string[] {
  if (!address) return [];
  const town = [address.postalCode, address.locality].filter(Boolean).join(' ');
  return [address.line1, address.line2, town, address.region, address.country].filter((l): l is string => Boolean(l));
}

export function bookBandOf(request: Request, pickupLocations: readonly PickupLocationName[], timeZone: string | null): BookBand {
  const { data } = request;
  const patron = data.patron;
  const name = patron?.name ?? ([patron?.givenName, patron?.surname].filter(Boolean).join(' ') || undefined);
  const code = data.pickupLocation;
  const pickup = code === undefined ? undefined : (pickupLocations.find((l) => l.code === code)?.name ?? code);
  const returnTo = data.returnTo;
  const due = data.lifecycle?.dueDate;
  return {
    id: request.id,
    title: titleOf(request),
    patronName: name,
    patronId: patron?.id,
    pickupLocation: pickup,
    dueDate: due ? formatDate(due, timeZone) : undefined,
    returnTo: [returnTo?.name, ...addressLines(returnTo?.address)].filter((l): l is string => Boolean(l)),
    temporaryBarcode: data.ncip?.itemId,
    lenderRequestId: request.supplyingAgencyRequestId ?? undefined,
    lender: returnTo?.agency ?? request.supplyingAgencyId ?? undefined,
    ourRequestId: request.requestingAgencyRequestId,
    requestNumber: request.requestNumber,
  };
}

/** Slips several to a sheet: the sheets are what page breaks fall between. */
export function sheets<T>(items: readonly T[], perSheet: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += perSheet) out.push(items.slice(i, i + perSheet));
  return out;
}
