/**
 * The view model a notice template sees: the request's data in the words a patron reads (the
 * item, where to collect it, the due date written out), never internal codes or partner symbols.
 * Pure: the time zone comes from the library's settings, nothing reads the clock.
 */
import { requestNumber } from '../domain/request-number';
import type { PatronNotice } from '../domain/types';
import type { RequestDataInput, StoredBibliographic, StoredPatron } from '../store/request-data';

export interface NoticeView {
  readonly notice: PatronNotice;
  /** The name as the request gives it, else the ILS's (LookupUser); absent, never empty, when neither has one. */
  readonly patronName?: string;
  /** The item as one phrase: `Kindred by Butler, Octavia`, `"Article" in Journal`, `ISBN 978...`. */
  readonly item: string;
  readonly title?: string;
  readonly author?: string;
  readonly articleTitle?: string;
  /** The pickup location's name from the library's settings (pickupLocations), or what the request says when it names no configured one. */
  readonly pickupLocation?: string;
  /** The configured location's address, when it has one. */
  readonly pickupLocationAddress?: string;
  /** For people: `Monday 1 March 2027`, in the library's time zone. */
  readonly dueDate?: string;
  readonly dueDateIso?: string;
  readonly neededBy?: string;
  readonly libraryName: string;
  /** Why a request was cancelled or ended unfilled, in plain words. */
  readonly reason?: string;
  readonly isCopy: boolean;
  readonly renewals?: number;
  /** The request number the patron can quote and staff find the request by (domain/request-number.ts). */
  readonly reference: string;
  /**
   * The patron's page for this request. Not set yet: it will be a signed, expiring link once
   * patrons have status pages; until then no mail carries a link staff would have to sign in to.
   */
  readonly statusUrl?: string;
}

/** A pickup location as the library's settings name it (settings.pickupLocations). */
export interface PickupPlace {
  readonly code: string;
  readonly name: string;
  readonly address?: string;
}

/** What the view needs of a request row (role-agnostic, so previews can be fed test data). */
export interface NoticeSource {
  readonly id: string;
  readonly serviceType: string;
  /** The request's data as the store decodes it (a preview's sample may leave the lifecycle out). */
  readonly data: RequestDataInput;
}

/** What the view needs of the library: its name, and the settings its pickup locations are in. */
export interface NoticeLibrary {
  readonly name: string;
  readonly settings?: Record<string, unknown>;
}

export function buildNoticeView(request: NoticeSource, library: NoticeLibrary, notice: PatronNotice, options: { readonly timeZone: string }): NoticeView {
  const { data } = request;
  const patronName = patronNameOf(data.patron);
  const pickup = data.pickupLocation ? pickupPlace(data.pickupLocation, pickupPlacesOf(library.settings)) : undefined;
  const bib = data.bibliographic ?? {};
  const lifecycle = data.lifecycle;
  const dueDate = lifecycle?.dueDate;
  const reason = patronReason(notice, lifecycle?.reason);
  return {
    notice,
    ...(patronName ? { patronName } : {}),
    item: itemPhrase(bib),
    ...(bib.title ? { title: bib.title } : {}),
    ...(bib.author ? { author: bib.author } : {}),
    ...(bib.titleOfComponent ? { articleTitle: bib.titleOfComponent } : {}),
    ...(pickup ? { pickupLocation: pickup.name, ...(pickup.address ? { pickupLocationAddress: pickup.address } : {}) } : {}),
    ...(dueDate && isDate(dueDate) ? { dueDate: formatDate(dueDate, options.timeZone), dueDateIso: new Date(dueDate).toISOString() } : {}),
    // A date without a time (2026-12-31) is that calendar day wherever the patron is.
    ...(data.neededBy && isDate(data.neededBy) ? { neededBy: formatDate(data.neededBy, /^\d{4}-\d{2}-\d{2}$/.test(data.neededBy) ? 'UTC' : options.timeZone) } : {}),
    libraryName: library.name,
    ...(reason ? { reason } : {}),
    isCopy: request.serviceType === 'Copy',
    ...(lifecycle?.renewals ? { renewals: lifecycle.renewals } : {}),
    reference: requestNumber(request.id),
  };
}

/** Staff's or the partner's wording first, then the ILS's structured name; blanks are no name. */
function patronNameOf(patron: Partial<StoredPatron> | undefined): string | undefined {
  const given = patron?.name?.trim();
  if (given) return given;
  const structured = [patron?.givenName, patron?.surname].map((s) => s?.trim()).filter((s) => s !== undefined && s !== '').join(' ');
  return structured === '' ? undefined : structured;
}

/** The library's pickup locations as stored, read leniently: an entry without a code and a name is left out, not guessed at. */
export function pickupPlacesOf(settings: Record<string, unknown> | undefined): PickupPlace[] {
  const list = settings?.pickupLocations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const e = entry as { code?: unknown; name?: unknown; address?: unknown };
    if (typeof e?.code !== 'string' || typeof e.name !== 'string' || e.name.trim() === '') return [];
    return [{ code: e.code, name: e.name.trim(), ...(typeof e.address === 'string' && e.address.trim() !== '' ? { address: e.address.trim() } : {}) }];
  });
}

/** A request names its pickup location by code (codes are unique without regard to case); free text stays as written. */
function pickupPlace(given: string, places: readonly PickupPlace[]): { readonly name: string; readonly address?: string } {
  const place = places.find((p) => p.code.toLowerCase() === given.trim().toLowerCase());
  return place ?? { name: given };
}

function itemPhrase(bib: StoredBibliographic): string {
  if (bib.titleOfComponent) return bib.title ? `"${bib.titleOfComponent}" in ${bib.title}` : `"${bib.titleOfComponent}"`;
  if (bib.title) return bib.author ? `${bib.title} by ${bib.author}` : bib.title;
  if (bib.isbn) return `the item with ISBN ${bib.isbn}`;
  if (bib.issn) return `the item with ISSN ${bib.issn}`;
  if (bib.doi) return `the item with DOI ${bib.doi}`;
  return 'the item you asked for';
}

const isDate = (s: string): boolean => !Number.isNaN(new Date(s).getTime());

/** `Monday 1 March 2027`, assembled from parts: ICU versions punctuate `dateStyle: 'full'` differently. */
export function formatDate(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/**
 * ISO 18626 reasonUnfilled values (an open list; these are the ones peers send) in words for
 * patrons. The lifecycle keeps the staff wording ("rota exhausted: ISIL:DK-2 answered Unfilled
 * (NotHeld)"), which names partners and codes a patron has no use for.
 */
const UNFILLED_REASONS: Readonly<Record<string, string>> = {
  notheld: 'none of the libraries we asked hold it',
  notonshelf: 'it was not on the shelf at the libraries we asked',
  notavailableforill: 'the libraries that hold it do not lend it',
  nonavailableforill: 'the libraries that hold it do not lend it',
  inuse: 'it is in use at the libraries that hold it',
  lost: 'it is missing at the libraries that hold it',
  damaged: 'it is too fragile or damaged to send',
  duplicate: 'it duplicates a request you already have with us',
  copyrightrestrictions: 'copyright does not allow it to be supplied',
  policyproblem: 'the lending libraries’ rules do not allow it',
  charges: 'the charges would be too high',
};

function patronReason(notice: PatronNotice, reason: string | undefined): string | undefined {
  if (notice === 'unfilled') {
    const code = reason ? /\(([A-Za-z]+)\)\s*$/.exec(reason)?.[1]?.toLowerCase() : undefined;
    return (code && UNFILLED_REASONS[code]) ?? 'no library we asked could supply it';
  }
  if (notice === 'cancelled') {
    if (reason === 'cancelled by the supplier') return 'the lending library cancelled it';
    return undefined;
  }
  return undefined;
}
