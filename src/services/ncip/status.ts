/**
 * How a borrowing request's state reads to an NCIP caller (RequestStatusType, NCIP imp1 scheme:
 * Available For Pickup, Cannot Fulfill Request, Expired, In Process).
 */
import type { REQUEST_STATUS_TYPES } from '../../../protocols/ncip';

type RequestStatusType = (typeof REQUEST_STATUS_TYPES)[number];

/** States in which the patron will not get the item through this request. */
const CANNOT_FULFIL = new Set(['cancelled', 'unfilled', 'error', 'closed']);
/** States in which the item is at the pickup location, waiting for the patron. */
const AWAITING_PICKUP = new Set(['received']);
/** States in which the patron has had the item: the request itself is fulfilled. */
const FINISHED = new Set(['checked_out', 'returned_by_patron', 'shipped_return', 'complete']);

export function ncipRequestStatus(state: string): RequestStatusType {
  if (CANNOT_FULFIL.has(state)) return 'Cannot Fulfill Request';
  if (AWAITING_PICKUP.has(state)) return 'Available For Pickup';
  // NCIP has no "completed" request status; a request whose loan is over has expired as a request.
  if (FINISHED.has(state)) return 'Expired';
  return 'In Process';
}
