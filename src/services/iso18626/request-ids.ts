/**
 * The ids a transaction is known by. ISO 18626 types them as xs:string, so an empty one is
 * schema-valid; but a request with an empty requestingAgencyRequestId can never be found again
 * (every later message names it), and a SAM or RAM naming none names no request. One rule for
 * every inbound message, direct or brokered, in the words CrossLink uses: UnrecognisedDataValue,
 * naming the element.
 *
 * (The reader trims text, so a blank id arrives empty; the check does not rely on it.)
 *
 * The supplier's id (supplyingAgencyRequestId) is optional in every header and nothing here
 * finds a request by it: the requester's id is the key both ways. A blank one is read as absent,
 * so it is never learned and echoed back as the supplier's id.
 */
import type { InboundMessage } from '../../../protocols/iso18626';
import { Iso18626Refusal } from './refusal';

export function requireRequestingAgencyRequestId(message: InboundMessage): string {
  const id = message.header.requestingAgencyRequestId;
  if (!id.trim()) throw new Iso18626Refusal('UnrecognisedDataValue', 'header.requestingAgencyRequestId: must not be empty');
  return id;
}

/** The supplier's id as a SAM gives it; undefined when absent, empty or only whitespace. */
export function supplierRequestIdOf(header: { readonly supplyingAgencyRequestId?: string | undefined }): string | undefined {
  const id = header.supplyingAgencyRequestId;
  return id !== undefined && id.trim() !== '' ? id : undefined;
}

