/**
 * Vendor quirks, each in one named place with the peer it is for. Parse applies the reading
 * shims; the interpretation helpers (patron standing, e-mail, "already checked in") are for
 * callers that turn answers into decisions.
 */
import type { XmlElement } from '../xml';
import { childNamed } from '../xml';
import { GENERAL_PROCESSING_ERRORS, MESSAGING_ERRORS, SERVICE_PROCESSING_ERRORS, type StandardProblemType } from './problems';
import type { Problem, SchemeValue, UserOptionalFields } from './types';

/**
 * NCIP 1 wrapped identifiers, still sent by NCIP 1-era responders and by Koha's NCIPServer inside
 * v2 envelopes (lib-ncip-client `ncipOne*.xml`, Libriotech/NCIPServer `t/sample_data`): the
 * NCIP 2 element is looked up under these names too.
 */
export const NCIP1_ALIASES: Readonly<Record<string, readonly string[]>> = {
  AgencyId: ['UniqueAgencyId'],
  UserId: ['UniqueUserId'],
  ItemId: ['UniqueItemId'],
  RequestId: ['UniqueRequestId'],
};

/** NCIP 1 SchemeValuePair: `<X><Scheme>…</Scheme><Value>…</Value></X>` instead of text + attribute. */
export function ncip1SchemeValue(el: XmlElement): SchemeValue | undefined {
  const value = childNamed(el, 'Value');
  if (value === undefined) return undefined;
  const scheme = childNamed(el, 'Scheme')?.text;
  return scheme ? { value: value.text, scheme } : { value: value.text };
}

/**
 * NCIP 1 problems: `<Problem><ProcessingError><ProcessingErrorType><Scheme/><Value/>…` (or
 * MessagingError), as in lib-ncip-client `ncipOneCheckinItemXmlErrorResponseExample.xml`; Koha's
 * NCIPServer emits this shape inside v2 envelopes (`templates/problem.tt`), with a ProblemDetail.
 */
export function ncip1Problem(el: XmlElement): Problem | undefined {
  for (const kind of ['ProcessingError', 'MessagingError'] as const) {
    const error = childNamed(el, kind);
    if (error === undefined) continue;
    const typeEl = childNamed(error, `${kind}Type`);
    const type = typeEl ? (ncip1SchemeValue(typeEl) ?? { value: typeEl.text }) : { value: '' };
    const elementEl = childNamed(error, `${kind}Element`);
    const element = elementEl ? (childNamed(elementEl, 'ElementName')?.text ?? elementEl.text) : undefined;
    const value = elementEl ? childNamed(elementEl, `${kind}Value`)?.text : undefined;
    const detail = childNamed(el, 'ProblemDetail')?.text ?? childNamed(error, `${kind}Detail`)?.text;
    return {
      problemType: type,
      ...(detail ? { problemDetail: detail } : {}),
      ...(element ? { problemElement: element } : {}),
      ...(value ? { problemValue: value } : {}),
    };
  }
  return undefined;
}

const STANDARD_TYPES: ReadonlyMap<string, StandardProblemType> = new Map(
  [...GENERAL_PROCESSING_ERRORS, ...MESSAGING_ERRORS, ...Object.values(SERVICE_PROCESSING_ERRORS).flat()].map((t) => [normalise(t), t as StandardProblemType]),
);

function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

/**
 * The standard Problem type a Problem means, if it can be told. Matches the standard names
 * case- and separator-insensitively, in ProblemType or, failing that, ProblemDetail (OCLC WMS puts
 * `UNKNOWN_USER` there). FOLIO mod-ncip answers an unknown patron with an empty ProblemType and
 * "Did not find a user with that id" (`FolioLookupUserService.java`). Free text otherwise gives
 * undefined: the Problem is still a refusal, just not a recognised one.
 */
export function recognizeProblem(problem: Problem): StandardProblemType | undefined {
  const byType = STANDARD_TYPES.get(normalise(problem.problemType.value));
  if (byType !== undefined) return byType;
  const detail = problem.problemDetail ?? '';
  const byDetail = STANDARD_TYPES.get(normalise(detail));
  if (byDetail !== undefined) return byDetail;
  if (/did not find a user/i.test(detail)) return 'Unknown User';
  return undefined;
}

/**
 * CheckInItem Problems that mean "it is already checked in", treated as success by ReShare mod-rs
 * (`BaseHostLMSService.checkInItem`): standard types plus "Not On Loan" and a vendor's numeric "9022".
 */
export const ALREADY_CHECKED_IN = ['Item Not Checked Out', 'Not On Loan', 'Unknown Item', '9022'] as const;

export function isAlreadyCheckedIn(problems: readonly Problem[]): boolean {
  const known = new Set(ALREADY_CHECKED_IN.map(normalise));
  return problems.length > 0 && problems.every((p) => known.has(normalise(p.problemType.value)));
}

/**
 * Privilege status values, as normalised by lib-ncip-client `LookupUser.java` for the STATUS
 * privilege that FOLIO mod-ncip emits (`user.priv.ok.status` / `user.priv.blocked.status`).
 */
export const PRIVILEGE_STATUS_OK = ['active', 'ok', 'y', 'delinquent'] as const;
export const PRIVILEGE_STATUS_BLOCKED = ['blocked', 'barred', 'expired', 'n', 'inactive'] as const;

export interface UserStanding {
  readonly verdict: 'active' | 'blocked';
  /** Why it is blocked, in the ILS's own words (`STATUS=BLOCKED`, `BlockOrTrap: Overdue`). */
  readonly reasons: readonly string[];
}

/**
 * Whether a patron may borrow, from what LookupUser returned. ILSs say "blocked" in different
 * places: mod-ncip through a STATUS privilege (`UserPrivilege/AgencyUserPrivilegeType=STATUS`,
 * `UserPrivilegeStatusType=BLOCKED`), others through any privilege's status (BARRED, EXPIRED, N),
 * XC's Aleph connector through `BlockOrTrap`. A privilege whose ValidToDate has passed counts as
 * expired. No sign of a block means active.
 */
export function userStanding(fields: UserOptionalFields | undefined, now: Date = new Date()): UserStanding {
  const reasons: string[] = [];
  const blocked = new Set<string>(PRIVILEGE_STATUS_BLOCKED);
  for (const privilege of fields?.userPrivileges ?? []) {
    const key = privilege.agencyUserPrivilegeType.value;
    const status = privilege.userPrivilegeStatus?.userPrivilegeStatusType.value;
    if (status !== undefined && blocked.has(status.trim().toLowerCase())) reasons.push(`${key}=${status}`);
    const validTo = privilege.validToDate !== undefined ? Date.parse(privilege.validToDate) : NaN;
    if (!Number.isNaN(validTo) && validTo < now.getTime()) reasons.push(`${key} expired ${privilege.validToDate}`);
  }
  for (const block of fields?.blockOrTraps ?? []) {
    const validTo = block.validToDate !== undefined ? Date.parse(block.validToDate) : NaN;
    if (Number.isNaN(validTo) || validTo >= now.getTime()) reasons.push(`BlockOrTrap: ${block.blockOrTrapType.value}`);
  }
  return { verdict: reasons.length > 0 ? 'blocked' : 'active', reasons };
}

/**
 * ElectronicAddressType values meaning e-mail: "mailto" (IANA URI scheme, XC Koha), "mailserver"
 * (XC Aleph), "emailAddress" (mod-ncip / lib-ncip-client), "email".
 */
export const EMAIL_ADDRESS_TYPES = ['mailto', 'mailserver', 'emailaddress', 'email', 'e-mail'] as const;

export function userEmail(fields: UserOptionalFields | undefined): string | undefined {
  const types = new Set<string>(EMAIL_ADDRESS_TYPES);
  for (const address of fields?.userAddressInformations ?? []) {
    const electronic = address.electronicAddress;
    if (electronic && types.has(electronic.electronicAddressType.value.trim().toLowerCase()) && electronic.electronicAddressData.includes('@')) {
      return electronic.electronicAddressData.trim().replace(/^mailto:/i, '');
    }
  }
  return undefined;
}

export interface UserName {
  readonly givenName?: string;
  readonly surname?: string;
  /** What to print on a slip or an e-mail: "Given Surname", or the unstructured name as sent. */
  readonly display: string;
}

/** Structured name first; Sierra sends only UnstructuredPersonalUserName ("Surname, Given"). */
export function userName(fields: UserOptionalFields | undefined): UserName | undefined {
  const personal = fields?.nameInformation?.personalNameInformation;
  const structured = personal?.structuredPersonalUserName;
  if (structured) {
    const display = [structured.givenName, structured.surname].filter((s) => s !== undefined && s !== '').join(' ');
    return { ...(structured.givenName ? { givenName: structured.givenName } : {}), surname: structured.surname, display };
  }
  if (personal?.unstructuredPersonalUserName) return { display: personal.unstructuredPersonalUserName };
  const organisation = fields?.nameInformation?.organizationNameInformations?.[0];
  return organisation ? { display: organisation.organizationName } : undefined;
}
