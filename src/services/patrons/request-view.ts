/**
 * A borrowing request as its patron reads it (`PatronRequest`): the item, the phase in plain
 * words and the dates that matter, the pickup location by its configured name. Nothing about
 * lenders, staff notes or other patrons.
 */
import { patronStatus, type PatronAction, type PatronPhase } from '../../domain/patron-status';
import { requestNumber } from '../../domain/request-number';
import { pickupPlaceAsNamed, type PickupPlace } from '../directory/pickup-locations';
import type { StoredBibliographic } from '../../store/request-data';
import type { RequestRow } from '../../store/requests';

export interface PatronRequestView {
  readonly id: string;
  readonly requestNumber: string;
  readonly kind: 'loan' | 'copy';
  readonly title: string;
  readonly author?: string;
  readonly articleTitle?: string;
  readonly phase: PatronPhase;
  readonly recalled: boolean;
  readonly overdue: boolean;
  readonly renewalPending: boolean;
  readonly cancelRequested: boolean;
  readonly createdAt: string;
  readonly neededBy?: string;
  readonly pickupLocation?: PickupPlace;
  readonly dueDate?: string;
  readonly shippedAt?: string;
  readonly endedAt?: string;
  readonly actions: readonly PatronAction[];
}

/** Phases in which the loan's due date is the patron's business. */
const DUE_DATE_PHASES: ReadonlySet<PatronPhase> = new Set(['on_the_way', 'ready_for_pickup', 'on_loan']);

/** What the patron calls the item: its title, else the identifier it was asked for by. */
function titleOf(bib: StoredBibliographic): string {
  return bib.title ?? bib.titleOfComponent ?? (bib.isbn ? `ISBN ${bib.isbn}` : bib.issn ? `ISSN ${bib.issn}` : bib.doi ? `DOI ${bib.doi}` : bib.oclcNumber ? `OCLC ${bib.oclcNumber}` : '');
}

/**
 * `places`: the library's pickup locations (pickupPlacesOf), read once for a page of requests.
 */
export function patronRequestView(request: RequestRow, places: readonly PickupPlace[], at: Date, extra: { readonly shippedAt?: Date; readonly withActions?: boolean } = {}): PatronRequestView {
  const { data } = request;
  const bib = data.bibliographic ?? {};
  const status = patronStatus({ state: request.state, lifecycle: data.lifecycle }, at);
  const pickup = data.pickupLocation ? pickupPlaceAsNamed(places, data.pickupLocation) : undefined;
  const dueDate = DUE_DATE_PHASES.has(status.phase) ? data.lifecycle.dueDate : undefined;
  return {
    id: request.id,
    requestNumber: requestNumber(request),
    kind: request.serviceType === 'Copy' ? 'copy' : 'loan',
    title: titleOf(bib),
    ...(bib.author ? { author: bib.author } : bib.authorOfComponent ? { author: bib.authorOfComponent } : {}),
    ...(bib.title && bib.titleOfComponent ? { articleTitle: bib.titleOfComponent } : {}),
    phase: status.phase,
    recalled: status.recalled,
    overdue: status.overdue,
    renewalPending: status.renewalPending,
    cancelRequested: status.cancelRequested,
    createdAt: request.createdAt.toISOString(),
    ...(data.neededBy ? { neededBy: data.neededBy } : {}),
    ...(pickup ? { pickupLocation: pickup } : {}),
    ...(dueDate ? { dueDate } : {}),
    ...(extra.shippedAt ? { shippedAt: extra.shippedAt.toISOString() } : {}),
    // Ended requests change no more (erasure aside), so the last change is when they ended.
    ...(status.ended ? { endedAt: request.updatedAt.toISOString() } : {}),
    actions: extra.withActions === false ? [] : status.actions,
  };
}
