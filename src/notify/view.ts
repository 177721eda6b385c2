/**
 * The view model a notice template sees: the request's data in the words a patron reads (the
 * item, where to collect it, the due date written out), never internal codes or partner symbols.
 * Pure: the time zone comes from the library's settings, nothing reads the clock.
 */
import type { PatronNotice } from '../domain/types';
import type { RequestDataInput, StoredBibliographic } from '../store/request-data';

export interface NoticeView {
  readonly notice: PatronNotice;
  readonly patronName?: string;
  /** The item as one phrase: `Kindred by Butler, Octavia`, `"Article" in Journal`, `ISBN 978...`. */
  readonly item: string;
  readonly title?: string;
  readonly author?: string;
  readonly articleTitle?: string;
  readonly pickupLocation?: string;
  /** For people: `Monday 1 March 2027`, in the library's time zone. */
  readonly dueDate?: string;
  readonly dueDateIso?: string;
  readonly neededBy?: string;
  readonly libraryName: string;
  /** Why a request was cancelled or ended unfilled, in plain words. */
  readonly reason?: string;
  readonly isCopy: boolean;
  readonly renewals?: number;
  /** The id the patron can quote: the discovery system's id when it made the request, else ours. */
  readonly reference: string;
}

/** What the view needs of a request row (role-agnostic, so previews can be fed test data). */
export interface NoticeSource {
  readonly id: string;
  readonly serviceType: string;
  /** The request's data as the store decodes it (a preview's sample may leave the lifecycle out). */
  readonly data: RequestDataInput;
}

export function buildNoticeView(request: NoticeSource, library: { readonly name: string }, notice: PatronNotice, options: { readonly timeZone: string }): NoticeView {
  const { data } = request;
  const bib = data.bibliographic ?? {};
  const lifecycle = data.lifecycle;
  const dueDate = lifecycle?.dueDate;
  const reason = patronReason(notice, lifecycle?.reason);
  return {
    notice,
    ...(data.patron?.name ? { patronName: data.patron.name } : {}),
    item: itemPhrase(bib),
    ...(bib.title ? { title: bib.title } : {}),
    ...(bib.author ? { author: bib.author } : {}),
    ...(bib.titleOfComponent ? { articleTitle: bib.titleOfComponent } : {}),
    ...(data.pickupLocation ? { pickupLocation: data.pickupLocation } : {}),
    ...(dueDate && isDate(dueDate) ? { dueDate: formatDate(dueDate, options.timeZone), dueDateIso: new Date(dueDate).toISOString() } : {}),
    // A date without a time (2026-12-31) is that calendar day wherever the patron is.
    ...(data.neededBy && isDate(data.neededBy) ? { neededBy: formatDate(data.neededBy, /^\d{4}-\d{2}-\d{2}$/.test(data.neededBy) ? 'UTC' : options.timeZone) } : {}),
    libraryName: library.name,
    ...(reason ? { reason } : {}),
    isCopy: request.serviceType === 'Copy',
    ...(lifecycle?.renewals ? { renewals: lifecycle.renewals } : {}),
    reference: data.source?.externalId ?? request.id,
  };
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
