/**
 * HTTP client of a member library's ILS over NCIP 2.02. One function per service; each turns the
 * answer into the data an ILL flow needs, or a typed failure that says whether retrying can help:
 * `refused` (the ILS answered with a Problem: a definite no, surface it) versus `transient`
 * (timeout, connection, HTTP status, content type, unreadable body: retry later).
 *
 * Every exchange is reported to `onExchange` with secrets masked, so the caller can store it.
 */
import {
  NcipProblem,
  SCHEMES,
  buildNcip,
  isAlreadyCheckedIn,
  parseNcip,
  recognizeProblem,
  schemeValue,
  userEmail,
  userName,
  userStanding,
  type InitiationHeader,
  type NcipMessage,
  type NcipMessageOf,
  type NcipMessageType,
  type Problem,
  type StandardProblemType,
  type UserId,
  type UserName,
} from '../../protocols/ncip';
import { MAX_ANSWER_BYTES, postText } from '../http-client';
import type { NcipSettings } from './settings';

export interface NcipRefusalProblem {
  /** ProblemType as sent (free text for some ILSs). */
  readonly type: string;
  /** The standard type it means, when that can be told (`recognizeProblem`). */
  readonly recognized?: StandardProblemType;
  readonly scheme?: string;
  readonly detail?: string;
  readonly element?: string;
  readonly value?: string;
}

export type NcipTransientReason = 'timeout' | 'connection' | 'http-status' | 'content-type' | 'too-large' | 'unparseable' | 'temporary-problem';

export type NcipFailure =
  | { readonly kind: 'refused'; readonly problems: readonly NcipRefusalProblem[] }
  | { readonly kind: 'transient'; readonly reason: NcipTransientReason; readonly detail: string; readonly httpStatus?: number }
  /** NCIP is switched off for this library: nothing was sent. */
  | { readonly kind: 'disabled' };

export type NcipResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: NcipFailure };

export interface NcipExchange {
  readonly service: string;
  readonly url: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The request as sent, with FromAgencyAuthentication, PINs and passwords masked. */
  readonly requestXml: string;
  readonly responseXml?: string;
  readonly httpStatus?: number;
  readonly outcome: 'ok' | 'refused' | 'transient';
  readonly failure?: NcipFailure;
}

export interface NcipClientDeps {
  readonly fetch?: typeof fetch;
  /** The most of an answer that is read (default MAX_ANSWER_BYTES); a longer one is a transient failure. */
  readonly maxAnswerBytes?: number;
  readonly now?: () => Date;
  readonly onExchange?: (exchange: NcipExchange) => void | Promise<void>;
}

export interface LookupUserResult {
  readonly userId: string;
  readonly verdict: 'active' | 'blocked';
  readonly blockReasons: readonly string[];
  readonly privileges: readonly { readonly type: string; readonly status?: string; readonly description?: string }[];
  readonly email?: string;
  readonly name?: UserName;
  readonly response: NcipMessageOf<'LookupUserResponse'>;
}

export type PatronRef = { readonly patronId: string } | { readonly username: string } | { readonly barcode: string; readonly pin: string };

export interface NcipClient {
  lookupUser(patron: PatronRef): Promise<NcipResult<LookupUserResult>>;
  acceptItem(input: AcceptItemInput): Promise<NcipResult<{ readonly itemId: string; readonly requestId: string | undefined }>>;
  checkOutItem(input: { patronId: string; itemBarcode: string; requestId?: string; desiredDateDue?: Date }): Promise<
    NcipResult<{ readonly itemId: string; readonly dateDue: Date | undefined; readonly renewalCount?: number }>
  >;
  checkInItem(input: { itemBarcode: string }): Promise<NcipResult<{ readonly itemId: string; readonly alreadyCheckedIn: boolean }>>;
  deleteItem(input: { itemBarcode: string }): Promise<NcipResult<{ readonly itemId: string }>>;
  requestItem(input: RequestItemInput): Promise<NcipResult<{ readonly requestId: string | undefined; readonly itemId: string | undefined; readonly callNumber?: string }>>;
  cancelRequestItem(input: { patronId: string; requestId: string; requestType?: string }): Promise<NcipResult<{ readonly requestId: string | undefined }>>;
  renewItem(input: { patronId: string; itemBarcode: string; desiredDateDue?: Date }): Promise<
    NcipResult<{ readonly pending: boolean; readonly dateDue: Date | undefined; readonly renewalCount?: number }>
  >;
  lookupItem(input: { itemBarcode: string } | { requestId: string }): Promise<
    NcipResult<{ readonly itemId: string | undefined; readonly circulationStatus?: string; readonly title?: string; readonly dateDue: Date | undefined }>
  >;
  lookupRequest(input: { requestId: string }): Promise<
    NcipResult<{ readonly requestId: string | undefined; readonly itemId: string | undefined; readonly status?: string; readonly pickupLocation?: string; readonly holdQueuePosition?: number }>
  >;
  lookupVersion(): Promise<NcipResult<{ readonly versions: readonly string[]; readonly services: readonly string[] }>>;
}

export interface AcceptItemInput {
  /** Our request id (the ILL transaction), echoed by the ILS. */
  readonly requestId: string;
  readonly patronId: string;
  /** The temporary barcode for the lent item; the ILS may assign one if absent. */
  readonly itemBarcode?: string;
  readonly title?: string;
  readonly author?: string;
  readonly callNumber?: string;
  readonly pickupLocation?: string;
  readonly dateForReturn?: Date;
  /** Default "Hold For Pickup", as mod-rs sends. */
  readonly requestedActionType?: string;
}

export interface RequestItemInput {
  readonly patronId: string;
  readonly bibliographicRecordId?: { readonly identifier: string; readonly code?: string };
  readonly itemBarcode?: string;
  readonly requestId?: string;
  readonly requestType?: string;
  readonly requestScopeType?: string;
  readonly pickupLocation?: string;
  readonly needBeforeDate?: Date;
}

export function createNcipClient(settings: NcipSettings, deps: NcipClientDeps = {}): NcipClient {
  const maxAnswerBytes = deps.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const now = deps.now ?? (() => new Date());
  const secrets = [
    settings.fromAgencyAuthentication,
    settings.authentication.type === 'header' ? settings.authentication.value : undefined,
    settings.authentication.type === 'basic' ? settings.authentication.password : undefined,
  ].filter((s): s is string => s !== undefined && s !== '');
  const mask = (text: string): string => maskSecrets(text, secrets);
  const agency = (id: string) => ({ value: id });
  const header: InitiationHeader = {
    fromAgencyId: agency(settings.fromAgencyId),
    ...(settings.fromAgencyAuthentication !== undefined ? { fromAgencyAuthentication: settings.fromAgencyAuthentication } : {}),
    toAgencyId: agency(settings.toAgencyId),
    ...(settings.applicationProfile !== undefined ? { applicationProfileType: { value: settings.applicationProfile } } : {}),
  };
  // mod-rs stamps every id with the FromAgency (BaseHostLMSService).
  const userId = (value: string): UserId => ({ agencyId: agency(settings.fromAgencyId), userIdentifierValue: value });
  const itemId = (value: string) => ({ agencyId: agency(settings.fromAgencyId), itemIdentifierValue: value });
  const requestId = (value: string) => ({ agencyId: agency(settings.fromAgencyId), requestIdentifierValue: value });
  const httpHeaders: Record<string, string> = { 'content-type': `${settings.contentType}; charset=utf-8`, accept: 'application/xml, text/xml' };
  if (settings.authentication.type === 'header') httpHeaders[settings.authentication.name.toLowerCase()] = settings.authentication.value;
  if (settings.authentication.type === 'basic') {
    httpHeaders.authorization = `Basic ${Buffer.from(`${settings.authentication.username}:${settings.authentication.password}`, 'utf8').toString('base64')}`;
  }

  async function report(exchange: NcipExchange): Promise<void> {
    try {
      await deps.onExchange?.(exchange);
    } catch {
      // A failing recorder must not turn a delivered NCIP call into a failure.
    }
  }

  async function exchange<K extends NcipMessageType>(message: NcipMessage, expected: K, options: { tolerate?: (problems: readonly Problem[]) => boolean } = {}): Promise<NcipResult<NcipMessageOf<K>>> {
    if (!settings.enabled) return { ok: false, error: { kind: 'disabled' } };
    const service = message.messageType;
    const xml = buildNcip(message);
    const startedAt = now();
    const started = performance.now();
    const url = maskUrl(settings.url);
    const finish = async (outcome: NcipExchange['outcome'], extra: { responseXml?: string; httpStatus?: number; failure?: NcipFailure }) => {
      await report({
        service,
        url,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        requestXml: mask(xml),
        ...(extra.responseXml !== undefined ? { responseXml: mask(extra.responseXml) } : {}),
        ...(extra.httpStatus !== undefined ? { httpStatus: extra.httpStatus } : {}),
        outcome,
        ...(extra.failure ? { failure: maskFailure(extra.failure, mask) } : {}),
      });
    };
    const transient = async (reason: NcipTransientReason, detail: string, extra: { responseXml?: string; httpStatus?: number } = {}): Promise<NcipResult<never>> => {
      const failure: NcipFailure = { kind: 'transient', reason, detail: mask(detail), ...(extra.httpStatus !== undefined ? { httpStatus: extra.httpStatus } : {}) };
      await finish('transient', { ...extra, failure });
      return { ok: false, error: failure };
    };

    const posted = await postText(settings.url, xml, { headers: httpHeaders, timeoutMs: settings.timeoutMs, maxAnswerBytes, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    if (!posted.ok) return transient(posted.failure.kind, posted.failure.detail);
    const { status, contentType, body } = posted.answer;
    if (status < 200 || status > 299) return transient('http-status', `HTTP ${status}`, { responseXml: body, httpStatus: status });
    if (!/\bxml\b/i.test(contentType)) return transient('content-type', `expected an XML answer, got ${contentType || 'no Content-Type'}`, { responseXml: body, httpStatus: status });
    if (posted.answer.truncated) return transient('too-large', `answered with more than ${maxAnswerBytes} bytes`, { responseXml: body, httpStatus: status });

    let answer: NcipMessage;
    try {
      answer = parseNcip(body);
    } catch (err) {
      const detail = err instanceof NcipProblem ? `${err.type}: ${err.message}` : String(err);
      return transient('unparseable', detail, { responseXml: body, httpStatus: status });
    }
    const problems = answer.messageType === 'Problem' || 'problems' in answer ? ((answer as { problems?: readonly Problem[] }).problems ?? []) : [];
    if (problems.length > 0 && !(answer.messageType === expected && options.tolerate?.(problems))) {
      const refusal = problems.map(toRefusal);
      if (refusal.every((p) => p.recognized === 'Temporary Processing Failure')) {
        return transient('temporary-problem', refusal.map((p) => [p.type, p.detail].filter(Boolean).join(': ')).join('; '), { responseXml: body, httpStatus: status });
      }
      const failure: NcipFailure = { kind: 'refused', problems: refusal };
      await finish('refused', { responseXml: body, httpStatus: status, failure: failure });
      return { ok: false, error: maskFailure(failure, mask) };
    }
    if (answer.messageType !== expected) return transient('unparseable', `expected ${expected}, got ${answer.messageType}`, { responseXml: body, httpStatus: status });
    await finish('ok', { responseXml: body, httpStatus: status });
    return { ok: true, value: answer as NcipMessageOf<K> };
  }

  const map = <A, B>(result: NcipResult<A>, f: (a: A) => B): NcipResult<B> => (result.ok ? { ok: true, value: f(result.value) } : result);
  const date = (text: string | undefined): Date | undefined => {
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  };

  return {
    async lookupUser(patron) {
      const who =
        'patronId' in patron
          ? { userId: userId(patron.patronId) }
          : 'username' in patron
            ? { authenticationInputs: [{ authenticationInputData: patron.username, authenticationDataFormatType: { value: 'text' }, authenticationInputType: { value: 'username' } }] }
            : {
                authenticationInputs: [
                  { authenticationInputData: patron.barcode, authenticationDataFormatType: { value: 'text' }, authenticationInputType: schemeValue('authenticationInputType', 'Barcode Id') },
                  { authenticationInputData: patron.pin, authenticationDataFormatType: { value: 'text' }, authenticationInputType: schemeValue('authenticationInputType', 'PIN') },
                ],
              };
      const result = await exchange(
        {
          messageType: 'LookupUser',
          initiationHeader: header,
          ...who,
          userElementTypes: ['Name Information', 'User Address Information', 'User Privilege', 'Block Or Trap', 'User Id'].map((v) => ({ value: v, scheme: SCHEMES.userElementType })),
        },
        'LookupUserResponse',
      );
      return map(result, (response) => {
        const fields = response.userOptionalFields;
        const standing = userStanding(fields, now());
        const email = userEmail(fields);
        const name = userName(fields);
        return {
          userId: response.userId?.userIdentifierValue ?? ('patronId' in patron ? patron.patronId : ''),
          verdict: standing.verdict,
          blockReasons: standing.reasons,
          privileges: (fields?.userPrivileges ?? []).map((p) => ({
            type: p.agencyUserPrivilegeType.value,
            ...(p.userPrivilegeStatus ? { status: p.userPrivilegeStatus.userPrivilegeStatusType.value } : {}),
            ...(p.userPrivilegeDescription !== undefined ? { description: p.userPrivilegeDescription } : {}),
          })),
          ...(email !== undefined ? { email } : {}),
          ...(name !== undefined ? { name } : {}),
          response,
        };
      });
    },

    async acceptItem(input) {
      const description = { ...(input.author !== undefined ? { author: input.author } : {}), ...(input.title !== undefined ? { title: input.title } : {}) };
      const result = await exchange(
        {
          messageType: 'AcceptItem',
          initiationHeader: header,
          requestId: requestId(input.requestId),
          requestedActionType: schemeValue('requestedActionType', input.requestedActionType ?? 'Hold For Pickup'),
          userId: userId(input.patronId),
          ...(input.itemBarcode !== undefined ? { itemId: itemId(input.itemBarcode) } : {}),
          ...(input.dateForReturn !== undefined ? { dateForReturn: input.dateForReturn.toISOString() } : {}),
          ...(Object.keys(description).length > 0 || input.callNumber !== undefined
            ? {
                itemOptionalFields: {
                  ...(Object.keys(description).length > 0 ? { bibliographicDescription: description } : {}),
                  ...(input.callNumber !== undefined ? { itemDescription: { callNumber: input.callNumber } } : {}),
                },
              }
            : {}),
          ...(input.pickupLocation !== undefined ? { pickupLocation: { value: input.pickupLocation } } : {}),
        },
        'AcceptItemResponse',
      );
      return map(result, (r) => ({ itemId: r.itemId?.itemIdentifierValue ?? input.itemBarcode ?? '', requestId: nonEmpty(r.requestId?.requestIdentifierValue) }));
    },

    async checkOutItem(input) {
      const result = await exchange(
        {
          messageType: 'CheckOutItem',
          initiationHeader: header,
          userId: userId(input.patronId),
          itemId: itemId(input.itemBarcode),
          ...(input.requestId !== undefined ? { requestId: requestId(input.requestId) } : {}),
          ...(input.desiredDateDue !== undefined ? { desiredDateDue: input.desiredDateDue.toISOString() } : {}),
        },
        'CheckOutItemResponse',
      );
      return map(result, (r) => ({
        itemId: r.itemId?.itemIdentifierValue || input.itemBarcode,
        dateDue: date(r.dateDue),
        ...(r.renewalCount !== undefined ? { renewalCount: r.renewalCount } : {}),
      }));
    },

    async checkInItem(input) {
      const result = await exchange({ messageType: 'CheckInItem', initiationHeader: header, itemId: itemId(input.itemBarcode) }, 'CheckInItemResponse', { tolerate: isAlreadyCheckedIn });
      return map(result, (r) => ({ itemId: r.itemId?.itemIdentifierValue || input.itemBarcode, alreadyCheckedIn: (r.problems?.length ?? 0) > 0 }));
    },

    async deleteItem(input) {
      // lib-ncip-client sends no ApplicationProfileType on DeleteItem.
      const { applicationProfileType: _omitted, ...plainHeader } = header;
      const result = await exchange({ messageType: 'DeleteItem', initiationHeader: plainHeader, itemId: itemId(input.itemBarcode) }, 'DeleteItemResponse');
      return map(result, (r) => ({ itemId: r.itemId?.itemIdentifierValue || input.itemBarcode }));
    },

    async requestItem(input) {
      const bib = input.bibliographicRecordId;
      const result = await exchange(
        {
          messageType: 'RequestItem',
          initiationHeader: header,
          userId: userId(input.patronId),
          ...(bib !== undefined
            ? { bibliographicIds: [{ bibliographicRecordId: { bibliographicRecordIdentifier: bib.identifier, bibliographicRecordIdentifierCode: { value: bib.code ?? 'SYSNUMBER' } } }] }
            : {}),
          ...(input.itemBarcode !== undefined ? { itemIds: [itemId(input.itemBarcode)] } : {}),
          ...(input.requestId !== undefined ? { requestId: requestId(input.requestId) } : {}),
          requestType: { value: input.requestType ?? settings.requestType },
          requestScopeType: { value: input.requestScopeType ?? settings.requestScopeType },
          ...(input.needBeforeDate !== undefined ? { needBeforeDate: input.needBeforeDate.toISOString() } : {}),
          ...(input.pickupLocation !== undefined ? { pickupLocation: { value: input.pickupLocation } } : {}),
        },
        'RequestItemResponse',
      );
      return map(result, (r) => {
        const callNumber = r.itemOptionalFields?.itemDescription?.callNumber;
        return { requestId: nonEmpty(r.requestId?.requestIdentifierValue), itemId: nonEmpty(r.itemId?.itemIdentifierValue), ...(callNumber !== undefined ? { callNumber } : {}) };
      });
    },

    async cancelRequestItem(input) {
      const result = await exchange(
        {
          messageType: 'CancelRequestItem',
          initiationHeader: header,
          userId: userId(input.patronId),
          requestId: requestId(input.requestId),
          // Required by the 2.02 schema although lib-ncip-client leaves it out.
          requestType: { value: input.requestType ?? settings.requestType },
        },
        'CancelRequestItemResponse',
      );
      return map(result, (r) => ({ requestId: nonEmpty(r.requestId?.requestIdentifierValue) ?? input.requestId }));
    },

    async renewItem(input) {
      const result = await exchange(
        {
          messageType: 'RenewItem',
          initiationHeader: header,
          userId: userId(input.patronId),
          itemId: itemId(input.itemBarcode),
          ...(input.desiredDateDue !== undefined ? { desiredDateDue: input.desiredDateDue.toISOString() } : {}),
        },
        'RenewItemResponse',
      );
      return map(result, (r) => ({ pending: r.pending !== undefined, dateDue: date(r.dateDue), ...(r.renewalCount !== undefined ? { renewalCount: r.renewalCount } : {}) }));
    },

    async lookupItem(input) {
      const result = await exchange(
        {
          messageType: 'LookupItem',
          initiationHeader: header,
          ...('itemBarcode' in input ? { itemId: itemId(input.itemBarcode) } : { requestId: requestId(input.requestId) }),
          itemElementTypes: ['Bibliographic Description', 'Circulation Status', 'Item Description'].map((v) => ({ value: v, scheme: SCHEMES.itemElementType })),
        },
        'LookupItemResponse',
      );
      return map(result, (r) => {
        const fields = r.itemOptionalFields;
        return {
          itemId: nonEmpty(r.itemId?.itemIdentifierValue),
          ...(fields?.circulationStatus ? { circulationStatus: fields.circulationStatus.value } : {}),
          ...(fields?.bibliographicDescription?.title !== undefined ? { title: fields.bibliographicDescription.title } : {}),
          dateDue: date(fields?.dateDue),
        };
      });
    },

    async lookupRequest(input) {
      const result = await exchange({ messageType: 'LookupRequest', initiationHeader: header, requestId: requestId(input.requestId) }, 'LookupRequestResponse');
      return map(result, (r) => ({
        requestId: nonEmpty(r.requestId?.requestIdentifierValue),
        itemId: nonEmpty(r.itemId?.itemIdentifierValue),
        ...(r.requestStatusType ? { status: r.requestStatusType.value } : {}),
        ...(r.pickupLocation ? { pickupLocation: r.pickupLocation.value } : {}),
        ...(r.holdQueuePosition !== undefined ? { holdQueuePosition: r.holdQueuePosition } : {}),
      }));
    },

    async lookupVersion() {
      const result = await exchange({ messageType: 'LookupVersion', fromAgencyId: agency(settings.fromAgencyId), toAgencyId: agency(settings.toAgencyId) }, 'LookupVersionResponse');
      return map(result, (r) => ({ versions: r.versionSupported, services: r.serviceSupported ?? [] }));
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function toRefusal(problem: Problem): NcipRefusalProblem {
  const recognized = recognizeProblem(problem);
  return {
    type: problem.problemType.value,
    ...(recognized !== undefined ? { recognized } : {}),
    ...(problem.problemType.scheme !== undefined ? { scheme: problem.problemType.scheme } : {}),
    ...(problem.problemDetail !== undefined ? { detail: problem.problemDetail } : {}),
    ...(problem.problemElement !== undefined ? { element: problem.problemElement } : {}),
    ...(problem.problemValue !== undefined ? { value: problem.problemValue } : {}),
  };
}

const MASK = '***';

/**
 * Masks FromAgencyAuthentication / FromSystemAuthentication, the data of PIN and password
 * AuthenticationInputs (crosslink's `hideSensitive` does the same), and any configured secret
 * wherever else it appears.
 */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(<([\w.-]+:)?(FromAgencyAuthentication|FromSystemAuthentication)\b[^>]*>)[^<]*(<\/)/g, `$1${MASK}$4`);
  out = out.replace(/<([\w.-]+:)?AuthenticationInput\b[^>]*>[\s\S]*?<\/([\w.-]+:)?AuthenticationInput>/g, (block) =>
    /AuthenticationInputType\b[^>]*>\s*(PIN|Password)\s*</i.test(block) ? block.replace(/(<([\w.-]+:)?AuthenticationInputData\b[^>]*>)[^<]*(<\/)/, `$1${MASK}$3`) : block,
  );
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

function maskFailure(failure: NcipFailure, mask: (text: string) => string): NcipFailure {
  if (failure.kind !== 'refused') return failure;
  return {
    kind: 'refused',
    problems: failure.problems.map((p) => ({
      ...p,
      ...(p.detail !== undefined ? { detail: mask(p.detail) } : {}),
      ...(p.value !== undefined ? { value: mask(p.value) } : {}),
    })),
  };
}

/** Hides credentials in the URL (user:pass@, FOLIO edge-ncip `?apikey=`). */
function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const key of [...parsed.searchParams.keys()]) if (/key|token|secret|pass/i.test(key)) parsed.searchParams.set(key, MASK);
    return parsed.toString();
  } catch {
    return url;
  }
}
