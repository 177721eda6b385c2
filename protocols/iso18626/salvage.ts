/**
 * Best-effort context for an ERROR confirmation of a message that failed to parse: its kind and
 * whatever header fields can be read. Never throws, never validates beyond what the confirmation
 * needs to be writable (a timestamp is kept only when it is a usable xs:dateTime).
 */
import type { XmlElement } from '../xml';
import { isAnyUri } from './anyuri';
import { normaliseDateTime } from './dates';
import type { Iso18626Error, SalvagedHeader } from './errors';
import type { Warn } from './shims';
import { matchClosedValue } from './shims';
import { ACTIONS, REASONS_FOR_MESSAGE } from './types';
import type { AgencyId, MessageKind } from './types';

export function withContext(error: Iso18626Error, messageEl: XmlElement): Iso18626Error {
  error.kind = messageEl.name as MessageKind;
  try {
    error.header = salvageHeader(messageEl);
  } catch {
    error.header = undefined;
  }
  return error;
}

function salvageHeader(messageEl: XmlElement): SalvagedHeader {
  const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
  const header = child(messageEl, 'header') ?? child(messageEl, 'confirmationHeader');
  const agency = (name: string): AgencyId | undefined => {
    const id = child(header, name);
    const type = child(id, 'agencyIdType');
    const value = child(id, 'agencyIdValue');
    if (type === undefined || value === undefined) return undefined;
    const scheme = type.attrs.scheme?.value;
    return { agencyIdType: scheme && isAnyUri(scheme) ? { value: type.text, scheme } : { value: type.text }, agencyIdValue: value.text };
  };
  const noWarn: Warn = () => undefined;
  const closedValue = (el: XmlElement | undefined, values: readonly string[]) => (el === undefined ? undefined : matchClosedValue(el.text, values, '', noWarn));
  const timestamp = child(header, 'timestamp');
  const out: Record<string, unknown> = {
    supplyingAgencyId: agency('supplyingAgencyId'),
    requestingAgencyId: agency('requestingAgencyId'),
    multipleItemRequestId: child(header, 'multipleItemRequestId')?.text,
    timestamp: timestamp === undefined ? undefined : normaliseDateTime(timestamp.text)?.value,
    requestingAgencyRequestId: child(header, 'requestingAgencyRequestId')?.text,
    supplyingAgencyRequestId: child(header, 'supplyingAgencyRequestId')?.text,
    action: closedValue(child(messageEl, 'action'), ACTIONS),
    reasonForMessage: closedValue(child(child(messageEl, 'messageInfo'), 'reasonForMessage') ?? child(messageEl, 'reasonForMessage'), REASONS_FOR_MESSAGE),
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as SalvagedHeader;
}
