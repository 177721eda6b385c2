/**
 * The NCIP responder: what discovery layers and library systems can ask this server.
 * LookupVersion; RequestItem (a patron of a member library borrows through ILL);
 * CancelRequestItem; LookupRequest; RenewItem (recorded for the loan's lifecycle to act on).
 *
 * Every answer is an NCIP message: failures are Problems in NCIP's own vocabulary, never HTTP
 * errors. Every message in and out is kept in protocol_messages.
 */
import { z } from 'zod';
import type { Undecodable } from '../../../protocols/decode';
import {
  NCIP_VERSION,
  NcipProblem,
  buildNcip,
  buildProblemResponse,
  parseNcip,
  schemeValue,
  type InitiationHeader,
  type NcipMessage,
  type NcipMessageOf,
  type RequestId,
  type ResponseHeader,
  type SchemeValue,
  type UserId,
} from '../../../protocols/ncip';
import type { LibraryRow } from '../../store/libraries';
import { recordMessage, undecodableColumns } from '../../store/messages';
import { findBorrowingRequestByAnyId, type RequestRow } from '../../store/requests';
import { cancelBorrowingRequest, createBorrowingRequest, parseBorrowingRequest, requestRenewal, type NewBorrowingRequest } from '../borrowing/borrowing';
import type { LifecycleDeps } from '../pipeline/pipeline';
import { Conflict, ValidationFailed } from '../errors';
import { bibliographicFromNcip } from './bibliographic';
import { ncipRequestStatus } from './status';
import { sameSecret } from '../access/secrets';

/** The services this responder answers; anything else is "Unsupported Service". */
export const RESPONDER_SERVICES = ['LookupVersion', 'RequestItem', 'CancelRequestItem', 'LookupRequest', 'RenewItem'] as const;

/** Per-library responder settings (`libraries.settings.ncipResponder`). */
export const ncipResponderSettingsSchema = z.object({
  /** Shared secret callers must send as FromAgencyAuthentication. */
  fromAgencyAuthentication: z.string().min(1).optional(),
});

export interface NcipAnswer {
  readonly xml: string;
  readonly messageType: string;
  readonly problem?: NcipProblem;
  readonly requestId?: string;
}

export interface InboundMeta {
  /** Who sent it, when the message does not say (the remote address). */
  readonly remote?: string;
  /** Set when the body could not even be read (too large, bad encoding). */
  readonly transportProblem?: NcipProblem;
}

/** `body` is the message as text, or bytes that are not text (protocols/decode.ts), refused as Invalid Message Syntax Error. */
export async function answerNcip(deps: LifecycleDeps, body: string | Undecodable, meta: InboundMeta = {}): Promise<NcipAnswer> {
  let message: NcipMessage | undefined;
  let answer: NcipAnswer;
  const kept = typeof body === 'string' ? { rawXml: body, parsed: undefined } : undecodableColumns(body);
  try {
    if (meta.transportProblem) throw meta.transportProblem;
    if (typeof body !== 'string') throw new NcipProblem('Invalid Message Syntax Error', body.reason);
    message = parseNcip(body);
    answer = await dispatch(deps, message);
  } catch (err) {
    if (!(err instanceof NcipProblem)) throw err;
    const service = err.service ?? (message && isInitiation(message.messageType) ? message.messageType : undefined);
    answer = { xml: buildProblemResponse(err, service), messageType: service ? `${service}Response` : 'Problem', problem: err };
  }
  await recordMessage(deps.db, {
    id: deps.newId(),
    protocol: 'ncip',
    direction: 'in',
    peer: peerOf(message) ?? meta.remote ?? null,
    messageType: message?.messageType ?? null,
    status: answer.problem ? 'rejected' : 'answered',
    requestId: answer.requestId ?? null,
    rawXml: kept.rawXml,
    responseXml: answer.xml,
    httpStatus: 200,
    parsed: message ?? kept.parsed ?? null,
    error: answer.problem ? `${answer.problem.type}: ${answer.problem.message}` : null,
    createdAt: deps.now(),
  });
  deps.metrics?.ncipCall('in', message?.messageType, answer.problem ? 'rejected' : 'answered');
  return answer;
}

function isInitiation(type: string): boolean {
  return !type.endsWith('Response') && type !== 'Problem';
}

function peerOf(message: NcipMessage | undefined): string | undefined {
  if (!message) return undefined;
  if (message.messageType === 'LookupVersion') return message.fromAgencyId.value;
  const header = (message as { initiationHeader?: InitiationHeader }).initiationHeader;
  return header?.fromAgencyId.value;
}

async function dispatch(deps: LifecycleDeps, message: NcipMessage): Promise<NcipAnswer> {
  switch (message.messageType) {
    case 'LookupVersion':
      return reply({
        messageType: 'LookupVersionResponse',
        fromAgencyId: message.toAgencyId,
        toAgencyId: message.fromAgencyId,
        versionSupported: [NCIP_VERSION],
        serviceSupported: [...RESPONDER_SERVICES],
      });
    case 'RequestItem':
      return requestItem(deps, message);
    case 'CancelRequestItem':
      return cancelRequestItem(deps, message);
    case 'LookupRequest':
      return lookupRequest(deps, message);
    case 'RenewItem':
      return renewItem(deps, message);
    default: {
      const service = isInitiation(message.messageType) ? message.messageType : undefined;
      throw new NcipProblem('Unsupported Service', `this ILL server answers ${RESPONDER_SERVICES.join(', ')}; ${message.messageType} is not one of them`, {
        element: message.messageType,
        ...(service ? { service } : {}),
      });
    }
  }
}

function reply(message: NcipMessage, requestId?: string): NcipAnswer {
  return { xml: buildNcip(message), messageType: message.messageType, ...(requestId ? { requestId } : {}) };
}

// -------------------------------------------------------------------------------------------
// Who is asking, for which library

interface Caller {
  readonly library: LibraryRow;
  readonly responseHeader?: ResponseHeader;
  readonly actor: string;
}

async function identifyCaller(deps: LifecycleDeps, service: string, header: InitiationHeader | undefined, userId: UserId | undefined): Promise<Caller> {
  // The library is the agency addressed; without a header, the patron's own agency.
  const agency = header?.toAgencyId ?? userId?.agencyId;
  if (!agency?.value) {
    throw new NcipProblem('Needed Data Missing', 'the message names no agency: send InitiationHeader/ToAgencyId', { element: `${service}/InitiationHeader/ToAgencyId`, service });
  }
  const matches = await deps.directory.librariesByAgencyCode(agency.value);
  if (matches.length !== 1) {
    const why = matches.length === 0 ? 'is not a library served here' : 'matches more than one library here; send the full symbol (e.g. ISIL:DK-123)';
    throw new NcipProblem('Unknown Agency', `agency ${agency.value} ${why}`, { element: `${service}/InitiationHeader/ToAgencyId`, value: agency.value, service });
  }
  const library = matches[0]!;
  const settings = ncipResponderSettingsSchema.parse((library.settings as { ncipResponder?: unknown }).ncipResponder ?? {});
  if (settings.fromAgencyAuthentication !== undefined && !sameSecret(settings.fromAgencyAuthentication, header?.fromAgencyAuthentication)) {
    throw new NcipProblem('Agency Authentication Failed', 'FromAgencyAuthentication is missing or wrong', { element: `${service}/InitiationHeader/FromAgencyAuthentication`, service });
  }
  return {
    library,
    ...(header ? { responseHeader: { fromAgencyId: header.toAgencyId, toAgencyId: header.fromAgencyId } } : {}),
    actor: `ncip:${header?.fromAgencyId.value ?? 'unknown'}`,
  };
}


/** Our request id as NCIP carries it: the library's agency code and our id. */
function ncipRequestId(library: LibraryRow, request: RequestRow): RequestId {
  return { agencyId: { value: agencyCode(library) }, requestIdentifierValue: request.id };
}

function agencyCode(library: LibraryRow): string {
  return library.symbol.includes(':') ? library.symbol.slice(library.symbol.indexOf(':') + 1) : library.symbol;
}

async function findRequest(deps: LifecycleDeps, caller: Caller, service: string, id: string | undefined, element: string, problem: 'Unknown Request' | 'Unknown Item', userId?: UserId): Promise<RequestRow> {
  if (!id) throw new NcipProblem('Needed Data Missing', `${element} is required`, { element: `${service}/${element}`, service });
  const found = await findBorrowingRequestByAnyId(deps.db, caller.library.id, id);
  const request = found.length === 1 ? found[0] : undefined;
  // A request of another patron is reported as unknown: its existence is not the caller's business.
  const patronId = request?.data.patron?.id;
  if (!request || (userId && patronId !== userId.userIdentifierValue)) {
    throw new NcipProblem(problem, `no ${problem === 'Unknown Item' ? 'loan' : 'request'} ${id} for this library${userId ? ' and user' : ''}`, { element: `${service}/${element}`, value: id, service });
  }
  return request;
}

// -------------------------------------------------------------------------------------------
// Services

/** NCIP RequestType -> ISO 18626 serviceType. Estimate and Stack Retrieval are not ILL requests. */
const SERVICE_TYPE_FOR: Readonly<Record<string, 'Loan' | 'Copy'>> = { loan: 'Loan', hold: 'Loan', 'non-returnable copy': 'Copy' };

async function requestItem(deps: LifecycleDeps, message: NcipMessageOf<'RequestItem'>): Promise<NcipAnswer> {
  const service = 'RequestItem';
  const caller = await identifyCaller(deps, service, message.initiationHeader, message.userId);
  if (!message.userId?.userIdentifierValue) {
    throw new NcipProblem('Needed Data Missing', 'UserId is required: the request is made for a patron', { element: `${service}/UserId`, service });
  }
  const serviceType = SERVICE_TYPE_FOR[message.requestType.value.trim().toLowerCase()];
  if (!serviceType) {
    throw new NcipProblem('Unknown Value From Known Scheme', `RequestType "${message.requestType.value}" is not an interlibrary loan; use Loan, Hold or Non-returnable Copy`, {
      element: `${service}/RequestType`,
      value: message.requestType.value,
      service,
    });
  }
  const externalId = message.requestId?.requestIdentifierValue;
  if (externalId && (await findBorrowingRequestByAnyId(deps.db, caller.library.id, externalId)).length > 0) {
    throw new NcipProblem('Duplicate Request', `request ${externalId} was already made`, { element: `${service}/RequestId`, value: externalId, service });
  }
  const input: NewBorrowingRequest = {
    serviceType,
    bibliographic: bibliographicFromNcip(message),
    patron: { id: message.userId.userIdentifierValue },
    ...(message.pickupLocation ? { pickupLocation: message.pickupLocation.value } : {}),
    ...(message.needBeforeDate ? { neededBy: message.needBeforeDate.slice(0, 10) } : {}),
  };
  let request: RequestRow;
  try {
    request = await createBorrowingRequest(deps, caller.library.id, parseBorrowingRequest(input), caller.actor, { channel: 'ncip', ...(externalId ? { externalId } : {}) });
  } catch (err) {
    if (err instanceof ValidationFailed) {
      const first = err.fields[0];
      throw new NcipProblem('Needed Data Missing', err.fields.map((f) => `${f.path}: ${f.message}`).join('; '), {
        element: `${service}/${first?.path.startsWith('bibliographic') ? 'BibliographicId' : 'UserId'}`,
        service,
      });
    }
    throw err;
  }
  return reply(
    {
      messageType: 'RequestItemResponse',
      ...(caller.responseHeader ? { responseHeader: caller.responseHeader } : {}),
      requestId: ncipRequestId(caller.library, request),
      userId: message.userId,
      requestType: message.requestType,
      requestScopeType: message.requestScopeType,
    },
    request.id,
  );
}

async function cancelRequestItem(deps: LifecycleDeps, message: NcipMessageOf<'CancelRequestItem'>): Promise<NcipAnswer> {
  const service = 'CancelRequestItem';
  const caller = await identifyCaller(deps, service, message.initiationHeader, message.userId);
  const request = await findRequest(deps, caller, service, message.requestId?.requestIdentifierValue, 'RequestId', 'Unknown Request', message.userId);
  try {
    await cancelBorrowingRequest(deps, request.id, caller.actor, 'Cancelled by the patron');
  } catch (err) {
    if (err instanceof Conflict) throw new NcipProblem('Request Already Processed', err.message, { element: `${service}/RequestId`, value: request.id, service });
    throw err;
  }
  const patron = request.data.patron;
  return reply(
    {
      messageType: 'CancelRequestItemResponse',
      ...(caller.responseHeader ? { responseHeader: caller.responseHeader } : {}),
      requestId: ncipRequestId(caller.library, request),
      ...(patron ? { userId: { userIdentifierValue: patron.id } } : {}),
    },
    request.id,
  );
}

async function lookupRequest(deps: LifecycleDeps, message: NcipMessageOf<'LookupRequest'>): Promise<NcipAnswer> {
  const service = 'LookupRequest';
  const caller = await identifyCaller(deps, service, message.initiationHeader, message.userId);
  const request = await findRequest(deps, caller, service, message.requestId?.requestIdentifierValue, 'RequestId', 'Unknown Request', message.userId);
  const { data } = request;
  return reply(
    {
      messageType: 'LookupRequestResponse',
      ...(caller.responseHeader ? { responseHeader: caller.responseHeader } : {}),
      requestId: ncipRequestId(caller.library, request),
      ...(data.patron ? { userId: { userIdentifierValue: data.patron.id } } : {}),
      requestType: requestTypeFor(request),
      requestScopeType: schemeValue('requestScopeType', 'Bibliographic Item'),
      requestStatusType: schemeValue('requestStatusType', ncipRequestStatus(request.state)),
      ...(data.neededBy ? { needBeforeDate: `${data.neededBy.slice(0, 10)}T00:00:00Z` } : {}),
      ...(data.pickupLocation ? { pickupLocation: { value: data.pickupLocation } } : {}),
      dateOfUserRequest: request.createdAt.toISOString(),
    },
    request.id,
  );
}

function requestTypeFor(request: RequestRow): SchemeValue {
  return schemeValue('requestType', request.serviceType === 'Copy' ? 'Non-returnable Copy' : 'Loan');
}

async function renewItem(deps: LifecycleDeps, message: NcipMessageOf<'RenewItem'>): Promise<NcipAnswer> {
  const service = 'RenewItem';
  const caller = await identifyCaller(deps, service, message.initiationHeader, message.userId);
  const request = await findRequest(deps, caller, service, message.itemId.itemIdentifierValue, 'ItemId', 'Unknown Item', message.userId);
  try {
    await requestRenewal(deps, request.id, caller.actor);
  } catch (err) {
    if (err instanceof Conflict) throw new NcipProblem('Item Not Renewable', err.message, { element: `${service}/ItemId`, value: message.itemId.itemIdentifierValue, service });
    throw err;
  }
  // The lending library decides (ISO 18626 Renew); until it answers, the renewal is pending.
  return reply(
    {
      messageType: 'RenewItemResponse',
      ...(caller.responseHeader ? { responseHeader: caller.responseHeader } : {}),
      pending: {},
    },
    request.id,
  );
}
