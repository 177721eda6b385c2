/**
 * The view model a notice template sees: the request's data in the words a patron reads (the
 * item, where to collect it, the due date written out), never internal codes or partner symbols,
 * in the library's patron language. Pure: the time zone and the language come from the library's
 * settings, nothing reads the clock.
 */
import { requestNumber } from '../domain/request-number';
import type { PatronNotice } from '../domain/types';
import { pickupPlaceAsNamed, pickupPlacesOf } from '../services/directory/pickup-locations';
import type { PatronLanguage } from '../services/patrons/settings';
import type { RequestDataInput, StoredBibliographic, StoredPatron } from '../store/request-data';
import { MAIL_WORDING } from './templates';
import type { MailWording } from './templates/wording';

export interface NoticeView {
  readonly notice: PatronNotice;
  /** The name as the request gives it, else the ILS's (LookupUser); absent, never empty, when neither has one. */
  readonly patronName?: string;
  /** The item as one phrase: `Kindred by Butler, Octavia`, `"Article" in Journal`, `the item with ISBN 978...` (de: `Butler, Octavia: Kindred`, `„Article“ in: Journal`). */
  readonly item: string;
  readonly title?: string;
  readonly author?: string;
  readonly articleTitle?: string;
  /** The pickup location's name from the library's settings (pickupLocations), or what the request says when it names no configured one. */
  readonly pickupLocation?: string;
  /** The configured location's address, when it has one. */
  readonly pickupLocationAddress?: string;
  /** For people: `Monday 1 March 2027` (de: `Montag, 1. März 2027`), in the library's time zone. */
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
   * The request's status page: a signed, expiring link (services/patrons/status-link.ts) that the
   * caller of planNotice signs and passes in; the view itself stays pure.
   */
  readonly statusUrl?: string;
}

/** What the view needs of a request row (role-agnostic, so previews can be fed test data). */
export interface NoticeSource {
  readonly id: string;
  /** The library's number for the request (requests.number), the mail's reference. */
  readonly number: number | null;
  readonly serviceType: string;
  /** The request's data as the store decodes it (a preview's sample may leave the lifecycle out). */
  readonly data: RequestDataInput;
}

/** What the view needs of the library: its name, and the settings its pickup locations are in. */
export interface NoticeLibrary {
  readonly name: string;
  readonly settings?: Record<string, unknown>;
}

export interface NoticeViewOptions {
  /** The library's mail time zone (settings.mail.timeZone). */
  readonly timeZone: string;
  /** The library's patron language (patronLanguageOf). */
  readonly language: PatronLanguage;
}

export function buildNoticeView(request: NoticeSource, library: NoticeLibrary, notice: PatronNotice, options: NoticeViewOptions): NoticeView {
  const { data } = request;
  const { language, timeZone } = options;
  const words = MAIL_WORDING[language];
  const patronName = patronNameOf(data.patron);
  const pickup = data.pickupLocation ? pickupPlaceAsNamed(pickupPlacesOf(library.settings), data.pickupLocation) : undefined;
  const bib = data.bibliographic ?? {};
  const lifecycle = data.lifecycle;
  const dueDate = lifecycle?.dueDate;
  const reason = patronReason(words, notice, lifecycle?.reason);
  return {
    notice,
    ...(patronName ? { patronName } : {}),
    item: itemPhrase(words, bib),
    ...(bib.title ? { title: bib.title } : {}),
    ...(bib.author ? { author: bib.author } : {}),
    ...(bib.titleOfComponent ? { articleTitle: bib.titleOfComponent } : {}),
    ...(pickup ? { pickupLocation: pickup.name, ...(pickup.address ? { pickupLocationAddress: pickup.address } : {}) } : {}),
    ...(dueDate && isDate(dueDate) ? { dueDate: formatDate(dueDate, timeZone, language), dueDateIso: new Date(dueDate).toISOString() } : {}),
    // A date without a time (2026-12-31) is that calendar day wherever the patron is.
    ...(data.neededBy && isDate(data.neededBy) ? { neededBy: formatDate(data.neededBy, /^\d{4}-\d{2}-\d{2}$/.test(data.neededBy) ? 'UTC' : timeZone, language) } : {}),
    libraryName: library.name,
    ...(reason ? { reason } : {}),
    isCopy: request.serviceType === 'Copy',
    ...(lifecycle?.renewals ? { renewals: lifecycle.renewals } : {}),
    reference: requestNumber(request),
  };
}

/** Staff's or the partner's wording first, then the ILS's structured name; blanks are no name. */
function patronNameOf(patron: Partial<StoredPatron> | undefined): string | undefined {
  const given = patron?.name?.trim();
  if (given) return given;
  const structured = [patron?.givenName, patron?.surname].map((s) => s?.trim()).filter((s) => s !== undefined && s !== '').join(' ');
  return structured === '' ? undefined : structured;
}

function itemPhrase(words: MailWording, bib: StoredBibliographic): string {
  const { item } = words;
  if (bib.titleOfComponent) return bib.title ? item.articleInJournal(bib.titleOfComponent, bib.title) : item.article(bib.titleOfComponent);
  if (bib.title) return bib.author ? item.titleByAuthor(bib.title, bib.author) : bib.title;
  if (bib.isbn) return item.byNumber('ISBN', bib.isbn);
  if (bib.issn) return item.byNumber('ISSN', bib.issn);
  if (bib.doi) return item.byNumber('DOI', bib.doi);
  return item.unknown;
}

const isDate = (s: string): boolean => !Number.isNaN(new Date(s).getTime());

/**
 * `Monday 1 March 2027`, `Montag, 1. März 2027`: assembled from parts, since ICU versions
 * punctuate `dateStyle: 'full'` differently and a mail should not change with the Node version.
 */
export function formatDate(iso: string, timeZone: string, language: PatronLanguage): string {
  const parts = new Intl.DateTimeFormat(DATE_LOCALES[language], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  switch (language) {
    case 'de':
      return `${part('weekday')}, ${part('day')}. ${part('month')} ${part('year')}`;
    case 'en':
      return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
  }
}

const DATE_LOCALES: Readonly<Record<PatronLanguage, string>> = { en: 'en-GB', de: 'de-DE' };

/**
 * A reason in words for patrons. The lifecycle keeps the staff wording ("rota exhausted:
 * ISIL:DK-2 answered Unfilled (NotHeld)"), which names partners and codes a patron has no use
 * for: only the ISO 18626 ReasonUnfilled code at its end is read.
 */
function patronReason(words: MailWording, notice: PatronNotice, reason: string | undefined): string | undefined {
  if (notice === 'unfilled') {
    const code = reason ? /\(([A-Za-z]+)\)\s*$/.exec(reason)?.[1]?.toLowerCase() : undefined;
    return (code && words.reasons.unfilled[code]) ?? words.reasons.unfilledOther;
  }
  if (notice === 'cancelled') {
    if (reason === 'cancelled by the supplier') return words.reasons.cancelledBySupplier;
    return undefined;
  }
  return undefined;
}
