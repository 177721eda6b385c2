/**
 * What real peers send that the v1.2 schema would refuse, accepted on parse and reported as a
 * warning. Each quirk lives here, named after the peer that needs it (NOTES §0, §4, §7), so
 * parse.ts stays a plain schema walk. Nothing here is used when building: build is strict.
 */
import type { XmlElement } from '../xml';
import { isAnyUri } from './anyuri';
import { normaliseDateTime } from './dates';
import { RENAMED_2021 } from './spec';
import { ISO18626_NS, ISO18626_VERSION } from './types';

export const WARNING_CODES = [
  'missing-envelope',
  'unexpected-namespace',
  'missing-version',
  'unexpected-version',
  'unqualified-attribute',
  'invalid-scheme',
  'compact-offset',
  'missing-timezone',
  'closed-value-case',
  'empty-status',
  'request-received-notification',
  'missing-multiple-item-request-id',
  'empty-element',
  'revision-2021-element',
  'revision-2021-value',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/**
 * What each warning means, in the words staff read in a partner's conformance report: one line,
 * what the partner sent and what the reader did with it. A new code must get its line here.
 */
export const WARNING_DESCRIPTIONS: Readonly<Record<WarningCode, string>> = {
  'missing-envelope': 'message not wrapped in an ISO18626Message element; read as if it were',
  'unexpected-namespace': 'a namespace other than ISO 18626’s on the message; read as ISO 18626',
  'missing-version': 'no version attribute on ISO18626Message; read as 1.2',
  'unexpected-version': 'a version other than 1.2 on ISO18626Message; read as 1.2',
  'unqualified-attribute': 'attribute without the ill: namespace prefix (version=, scheme=) where v1.2 requires it qualified',
  'invalid-scheme': 'a scheme attribute that is not a URI; dropped',
  'compact-offset': 'time offset without a colon (+0000 instead of +00:00)',
  'missing-timezone': 'date-time without a time zone; read as UTC',
  'closed-value-case': 'a code-list value in the wrong letter case (loan for Loan); matched ignoring case',
  'empty-status': 'empty status element (Alma/Rapido: no status change); left absent',
  'request-received-notification': 'status RequestReceived on a Notification (ReShare), usually meaning no status change',
  'missing-multiple-item-request-id': 'header without multipleItemRequestId, which v1.2 requires; read as empty',
  'empty-element': 'an empty element where the schema wants a value; read as absent',
  'revision-2021-element': 'an element of ISO 18626:2021 that v1.2 lacks; ignored or read into its v1.2 place',
  'revision-2021-value': 'a value of ISO 18626:2021 that v1.2 lacks (a HoldReturn status); left absent',
};

export interface Iso18626Warning {
  readonly code: WarningCode;
  /** Element path, as in errors: `supplyingAgencyMessage.statusInfo.status`. */
  readonly path: string;
  readonly detail: string;
}

export type Warn = (code: WarningCode, path: string, detail: string) => void;

/**
 * mod-rs fixtures (unfilledNotification.xml, patronRequest.xml) write `version=` and `scheme=`
 * unqualified although v1.2 sets attributeFormDefault="qualified".
 */
export function qualifiedAttribute(el: XmlElement, name: string, path: string, warn: Warn): string | undefined {
  const attr = el.attrs[name];
  if (attr === undefined) return undefined;
  if (attr.ns !== ISO18626_NS) {
    warn('unqualified-attribute', path, `attribute ${name} is not in the ISO 18626 namespace (expected ill:${name})`);
  }
  return attr.value;
}

/**
 * `ill:scheme` is an xs:anyURI. A value libxml2 would refuse (`%%`, `::`) names no code list we
 * could use, and forwarding it would make our message schema-invalid: it is dropped.
 */
export function lenientScheme(el: XmlElement, path: string, warn: Warn): string | undefined {
  const scheme = qualifiedAttribute(el, 'scheme', path, warn);
  if (scheme === undefined || scheme === '' || isAnyUri(scheme)) return scheme || undefined;
  warn('invalid-scheme', path, `scheme ${JSON.stringify(scheme)} is not an xs:anyURI; dropped`);
  return undefined;
}

/**
 * The envelope's version: mod-rs and CrossLink send 1.2, a 2021 peer names 2021 (`2021`,
 * `2021-2`, `1.3`); anything else is read as 1.2 anyway (the structure decides, parse.ts).
 */
export function checkVersion(root: XmlElement, warn: Warn): string | undefined {
  const version = qualifiedAttribute(root, 'version', 'ISO18626Message', warn);
  if (version === undefined) warn('missing-version', 'ISO18626Message', 'no version attribute; read as 1.2');
  else if (version !== ISO18626_VERSION && !VERSIONS_2021.test(version.trim())) warn('unexpected-version', 'ISO18626Message', `version "${version}" read as 1.2`);
  return version;
}

/** Version attributes that name the 2021 revision: `2021`, `2021-2` (the schema's own name), `1.3` (its working name). */
export const VERSIONS_2021 = /^(2021([-.]\d+)?|1\.3)$/;

/**
 * mod-rs fixtures send `+0000` offsets (schema-invalid); a zoneless time is read as UTC.
 * Fractions of any length are kept (CrossLink: nanoseconds).
 */
export function lenientDateTime(raw: string, path: string, warn: Warn): string | undefined {
  const normalised = normaliseDateTime(raw);
  if (normalised === undefined) return undefined;
  if (normalised.fix === 'compact-offset') warn('compact-offset', path, `offset without a colon in "${raw}" read as ${normalised.value}`);
  if (normalised.fix === 'missing-timezone') warn('missing-timezone', path, `no zone in "${raw}"; read as UTC`);
  return normalised.value;
}

/** CrossLink matches closed values case-insensitively (crosslink:iso18626/typemappings.go); so do we, with a warning. */
export function matchClosedValue(raw: string, values: readonly string[], path: string, warn: Warn): string | undefined {
  if (values.includes(raw)) return raw;
  const folded = raw.toLowerCase();
  const match = values.find((v) => v.toLowerCase() === folded);
  if (match !== undefined) warn('closed-value-case', path, `"${raw}" read as "${match}"`);
  return match;
}

/** xs:boolean, with the same case leniency as closed lists. */
export function lenientBoolean(raw: string, path: string, warn: Warn): boolean | undefined {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  const folded = raw.toLowerCase();
  if (folded === 'true' || folded === 'false') {
    warn('closed-value-case', path, `"${raw}" read as ${folded}`);
    return folded === 'true';
  }
  return undefined;
}

/**
 * Alma/Rapido send an empty `<status/>` to mean "no status change" (crosslink:broker/handler/
 * iso18626-handler.go validateStatusAndReasonForMessage). The model leaves status absent.
 */
export function emptyStatus(path: string, warn: Warn): undefined {
  warn('empty-status', path, 'empty status (Alma/Rapido: no status change); left absent');
  return undefined;
}

/**
 * ReShare sends status RequestReceived on Notifications whatever the real state is: a receiver
 * should not treat it as a move back to RequestReceived (NOTES §4, §7.4).
 */
export function requestReceivedOnNotification(reason: string | undefined, status: string | undefined, path: string, warn: Warn): void {
  if (reason === 'Notification' && status === 'RequestReceived') {
    warn('request-received-notification', path, 'RequestReceived on a Notification (ReShare) usually means no status change');
  }
}

/** mod-rs fixtures omit it, and 2021-2 dropped it from SAM and RAM headers; absent means empty. */
export function missingMultipleItemRequestId(path: string, warn: Warn): void {
  warn('missing-multiple-item-request-id', path, 'required by v1.2 but missing; read as empty');
}

/**
 * ISO 18626:2021 (same namespace, not wire-compatible): elements renamed from v1.2 are read
 * into their v1.2 place when that is free; retryInfo and shippingInfo are read (spec.ts
 * READ_FIELDS); other elements new in 2021 are reported and ignored.
 */
export const REVISION_2021 = {
  /** parent local name -> 2021 child name -> v1.2 child name (from the 2021 tree in spec.ts) */
  renamed: RENAMED_2021,
  /** Element names that exist only in the 2021-2 schema. */
  elements: new Set([
    'URL',
    'authorId',
    'consortialId',
    'courierName',
    'deliveryMethod',
    'insurance',
    'insuranceCosts',
    'insuranceThirdParty',
    'itemFormat',
    'preferredEdition',
    'publisherId',
    'thirdPartyName',
    'trackingId',
  ]),
  /** v1.2 elements that 2021 also allows in a new parent. */
  moved: {
    deliveryInfo: ['address', 'serviceType', 'paymentMethod'],
    serviceInfo: ['loanCondition'],
  } as Readonly<Record<string, readonly string[]>>,
  /** Elements v1.2 allows once that 2021 repeats: the first is read, the rest reported. */
  repeatable: new Set(['itemId', 'loanCondition', 'deliveryCosts', 'errorData', 'requestSubType']),
  /** type_status values new in 2021: no v1.2 status, so read like an empty status. */
  statuses: ['HoldReturn', 'ReleaseHoldReturn'] as readonly string[],
} as const;

/** Whether an unknown child is a 2021 element (for the warning) rather than plain junk. */
export function isRevision2021Element(parent: string, name: string): boolean {
  return REVISION_2021.elements.has(name) || (REVISION_2021.moved[parent]?.includes(name) ?? false);
}

export function revision2021Status(raw: string, path: string, warn: Warn): boolean {
  const match = REVISION_2021.statuses.find((s) => s.toLowerCase() === raw.toLowerCase());
  if (match === undefined) return false;
  warn('revision-2021-value', path, `status ${match} is ISO 18626:2021 only; left absent`);
  return true;
}
