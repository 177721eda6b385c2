/**
 * How the machine models name a partner's ISO 18626 message: by the part that decides what it
 * does. A supplyingAgencyMessage answering something (CancelResponse, RenewResponse) or only
 * informing (Notification) is named by its reasonForMessage; any other (RequestResponse,
 * StatusChange, StatusRequestResponse) by the status it carries. A requestingAgencyMessage is
 * named by its action.
 */
import type { SupplierMessageEvent } from './requester-states';
import { SUPPLIER_STATUSES } from './statuses';
import type { RequesterMessageEvent } from './supplier-states';
import type { RequesterAction, SupplierStatus } from './types';

export const SUPPLIER_MESSAGE_KEYS = [
  ...SUPPLIER_STATUSES.map((s) => `sam:${s}` as const),
  /** A status message without a status (Alma/Rapido's "no status change"): a note. */
  'sam:no-status',
  'sam:CancelResponse',
  'sam:RenewResponse',
  'sam:Notification',
] as const;
export type SupplierMessageKey = `sam:${SupplierStatus}` | 'sam:no-status' | 'sam:CancelResponse' | 'sam:RenewResponse' | 'sam:Notification';

export function supplierMessageKey(m: SupplierMessageEvent): SupplierMessageKey {
  switch (m.reasonForMessage) {
    case 'CancelResponse':
    case 'RenewResponse':
    case 'Notification':
      return `sam:${m.reasonForMessage}`;
    default:
      return statusKey(m);
  }
}

/** The key of the status a message carries, whatever its reason (a CancelResponse N may bring Loaned). */
export const statusKey = (m: SupplierMessageEvent): `sam:${SupplierStatus}` | 'sam:no-status' => (m.status === undefined ? 'sam:no-status' : `sam:${m.status}`);

/** type_action, in the schema's order. */
const REQUESTER_ACTIONS = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'] as const satisfies readonly RequesterAction[];
export const REQUESTER_MESSAGE_KEYS = REQUESTER_ACTIONS.map((a) => `ram:${a}` as const);
export type RequesterMessageKey = `ram:${RequesterAction}`;

export const requesterMessageKey = (m: RequesterMessageEvent): RequesterMessageKey => `ram:${m.action}`;
