/**
 * Inbound ISO 18626 messages as machine events. The shapes below are the parts of the codec's
 * parsed supplyingAgencyMessage / requestingAgencyMessage the machines read (structurally the
 * same as protocols/iso18626 types, which src/domain does not import).
 */
import { CONDITIONS_AGREED_NOTE } from './requester-states';
import { RETRY_DECLINED_MARKER } from './retry';
import type { SupplierMessageEvent } from './requester-states';
import type { RequesterMessageEvent } from './supplier-states';
import type { ReasonForMessage, RequesterAction, SupplierStatus } from './types';

interface Code {
  readonly value: string;
}

export interface InboundSupplyingAgencyMessage {
  readonly messageInfo: {
    readonly reasonForMessage: ReasonForMessage;
    readonly answerYesNo?: 'Y' | 'N';
    readonly note?: string;
    readonly reasonUnfilled?: Code;
    readonly reasonRetry?: Code;
    readonly offeredCosts?: { readonly monetaryValue: string; readonly currencyCode: Code };
    readonly retryAfter?: string;
    readonly retryBefore?: string;
  };
  readonly statusInfo: { readonly status?: SupplierStatus; readonly dueDate?: string };
  readonly deliveryInfo?: { readonly loanCondition?: Code };
  /** ISO 18626:2021: the conditions a RetryPossible offers. */
  readonly retryInfo?: { readonly loanCondition?: readonly Code[] };
}

export interface InboundRequestingAgencyMessage {
  readonly action: RequesterAction;
  readonly note?: string;
}

/**
 * A supplier's message for `decideRequester`. `rotaIndex`: the rota position of the agency that
 * sent it, when the service matched the header's supplyingAgencyId against the rota.
 */
export function supplierMessageEvent(message: InboundSupplyingAgencyMessage, rotaIndex?: number): SupplierMessageEvent {
  const { messageInfo: info, statusInfo, deliveryInfo, retryInfo } = message;
  const conditions = [...(deliveryInfo?.loanCondition ? [deliveryInfo.loanCondition.value] : []), ...(retryInfo?.loanCondition ?? []).map((c) => c.value)];
  const fields: Omit<SupplierMessageEvent, 'type' | 'reasonForMessage'> = {
    status: statusInfo.status,
    answerYesNo: info.answerYesNo,
    dueDate: statusInfo.dueDate,
    loanConditions: conditions.length > 0 ? conditions : undefined,
    reasonUnfilled: info.reasonUnfilled?.value,
    reasonRetry: info.reasonRetry?.value,
    offeredCosts: info.offeredCosts ? { monetaryValue: info.offeredCosts.monetaryValue, currencyCode: info.offeredCosts.currencyCode.value } : undefined,
    retryAfter: info.retryAfter,
    retryBefore: info.retryBefore,
    note: info.note,
    rotaIndex,
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { type: 'supplier_message', reasonForMessage: info.reasonForMessage, ...present };
}

/** ReShare's marker for agreeing to loan conditions (NOTES §5, crosslink:broker/shim/shim.go). */
const RESHARE_AGREE = '#ReShareLoanConditionAgreeResponse#';

/** A requester's message for `decideSupplier`; a Notification agreeing to loan conditions, or declining a retry offer, is flagged. */
export function requesterMessageEvent(message: InboundRequestingAgencyMessage): RequesterMessageEvent {
  const note = message.note;
  const notification = message.action === 'Notification' && note !== undefined;
  const agrees = notification && (note.startsWith(CONDITIONS_AGREED_NOTE) || note.includes(RESHARE_AGREE));
  const declines = notification && note.trimStart().startsWith(RETRY_DECLINED_MARKER);
  return { type: 'requester_message', action: message.action, ...(note === undefined ? {} : { note }), ...(agrees ? { conditionsAgreed: true } : {}), ...(declines ? { retryDeclined: true } : {}) };
}
