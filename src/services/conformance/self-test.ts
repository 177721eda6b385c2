/**
 * The peer self-test: a clearly marked test request to a partner (or to an address staff give,
 * its test endpoint), then a Cancel of it, and a report of what came back: was each confirmation
 * received in time, was it OK or ERROR, did it read without deviations, which of the partner's
 * supplyingAgencyMessages about the test arrived within the wait, in an order the standard allows?
 *
 * The test never makes a requests row. Its messages are kept in protocol_messages, marked
 * `parsed.selfTest` (store/self-tests.ts): the partner's SAMs for a SELFTEST- id reach
 * POST /iso18626 on whichever instance, are recognised there, answered OK and
 * recorded (self-test-messages.ts), and the instance running the test finds them in the database.
 *
 * "Schema-valid" here means what the server can check at run time: the answer parses as ISO 18626
 * v1.2 and the lenient reader neither warned nor met an unknown element. No XSD validator runs in
 * production (xmllint-wasm is a development dependency, used by the tests).
 */
import { z } from 'zod';
import {
  buildIso18626,
  tryParseIso18626,
  type ConfirmationMessage,
  type ErrorData,
  type Iso18626Warning,
  type RequestingAgencyMessage,
  type Request,
  type SupplyingAgencyMessage,
  type UnknownElement,
} from '../../../protocols/iso18626';
import { maskXmlSecrets } from '../../../protocols/secrets';
import { canonicalSymbol } from '../../domain/symbols';
import type { SupplierStatus } from '../../domain/types';
import { sendIso18626, type Iso18626Outcome } from '../../iso18626/client';
import type { LibraryRow } from '../../store/libraries';
import { recordMessage, type ProtocolMessageRow } from '../../store/messages';
import type { PartnerRow } from '../../store/partners';
import { selfTestArrivals, settleSelfTestMessage, type SelfTestMark } from '../../store/self-tests';
import { agencySymbolSchema, type Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { partnerAuth } from '../directory/partner-auth';
import { Forbidden, NotFound, ValidationFailed } from '../errors';
import { agencyId } from '../iso18626/mapping';
import { SELF_TEST_PREFIX } from './self-test-messages';
import { statusOrder, type StatusOrder } from './status-order';

export const DEFAULT_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 120;
/** How long the partner has to answer each message, when the server's delivery timeout is not given. */
export const DEFAULT_CONFIRMATION_TIMEOUT_MS = 10_000;
const ANSWER_CAP = 16 * 1024;

export const selfTestBodySchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional().meta({ description: 'Test this address instead of the partner’s configured one (its test endpoint)' }),
    fromLibrary: agencySymbolSchema.optional().meta({ description: 'Our library that sends the test; needed when the server serves several and the key is for all of them' }),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(DEFAULT_WAIT_SECONDS)
      .meta({ description: `How long to wait for the partner’s messages about the test after the cancel (at most ${MAX_WAIT_SECONDS}); the wait ends early when the partner answers the cancel` }),
  })
  .strict()
  // No body at all is every default.
  .prefault({});
export type SelfTestBody = z.output<typeof selfTestBodySchema>;

export interface SelfTestDeps extends ServiceDeps {
  /** The time each confirmation may take (the server's delivery timeout). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** How often the database is asked for the partner's messages while waiting. */
  readonly selfTestPollMs?: number;
}

export interface ConfirmationCheck {
  readonly message: 'request' | 'cancel';
  /** confirmed: OK; error: ERROR; no-answer: nothing within the time limit or no connection; http-error; not-a-confirmation. */
  readonly outcome: 'confirmed' | 'error' | 'no-answer' | 'http-error' | 'not-a-confirmation';
  readonly inTime: boolean;
  readonly elapsedMs: number;
  readonly httpStatus: number | null;
  readonly messageStatus: 'OK' | 'ERROR' | null;
  readonly errorData: ErrorData | null;
  /** Parsed, with no warning and no unknown element (null when nothing readable came back). */
  readonly schemaValid: boolean | null;
  readonly warnings: readonly Iso18626Warning[];
  readonly unknownElements: readonly UnknownElement[];
  /** Why it is not a good answer, in plain words (absent when it is). */
  readonly problem?: string;
  /** The answer as received, capped. */
  readonly answerXml: string | null;
}

export interface ArrivedMessage {
  readonly messageId: string;
  readonly at: Date;
  readonly reasonForMessage: string | null;
  readonly status: string | null;
  readonly answerYesNo: string | null;
  readonly schemaValid: boolean;
  readonly warnings: readonly Iso18626Warning[];
}

export interface SelfTestReport {
  readonly partner: string;
  readonly endpoint: string;
  readonly fromLibrary: string;
  readonly requestingAgencyRequestId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly waitSeconds: number;
  readonly timeoutMs: number;
  readonly request: ConfirmationCheck;
  readonly cancel: ConfirmationCheck;
  /** The partner's supplyingAgencyMessages about the test that arrived within the wait, in arrival order. */
  readonly messages: readonly ArrivedMessage[];
  readonly statusOrder: StatusOrder;
  /** Whether the partner answered the cancel (a SAM with reasonForMessage CancelResponse) within the wait. */
  readonly cancelAnswered: boolean;
  /** Every confirmation OK, in time and schema-valid, every message schema-valid, statuses in order. */
  readonly passed: boolean;
  /** The report in plain words, one finding a line. */
  readonly findings: readonly string[];
}

export async function runSelfTest(deps: SelfTestDeps, principal: Principal, symbol: string, body: SelfTestBody): Promise<SelfTestReport> {
  const partner = await deps.directory.partner(canonicalSymbol(symbol));
  if (!partner) throw new NotFound('partner', canonicalSymbol(symbol));
  const endpoint = body.endpoint ?? partner.iso18626Url;
  if (!endpoint) throw new ValidationFailed([{ path: 'endpoint', message: `${partner.symbol} has no ISO 18626 address in the directory; give the address to test` }]);
  const library = await sendingLibrary(deps, principal, body.fromLibrary);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CONFIRMATION_TIMEOUT_MS;
  const testId = `${SELF_TEST_PREFIX}${deps.newId()}`;
  const mark: SelfTestMark = { id: testId, library: library.symbol };
  const startedAt = deps.now();
  const auth = partnerAuth(partner);
  const authentication = { ...(auth.outbound.accountId ? { accountId: auth.outbound.accountId } : {}), ...(auth.outbound.securityCode ? { securityCode: auth.outbound.securityCode } : {}) };
  const header = (at: Date) => ({
    supplyingAgencyId: agencyId(partner.symbol),
    requestingAgencyId: agencyId(library.symbol),
    timestamp: at.toISOString(),
    requestingAgencyRequestId: testId,
    ...(Object.keys(authentication).length > 0 ? { requestingAgencyAuthentication: authentication } : {}),
  });
  const send = (message: Request | RequestingAgencyMessage) => exchange(deps, { partner, endpoint, mark, timeoutMs, httpHeaders: auth.outbound.httpHeaders }, message);

  const request = await send(testRequest(header(deps.now()), library));
  const cancel = await send({ kind: 'requestingAgencyMessage', header: header(deps.now()), action: 'Cancel', note: 'Self-test: cancelling the test request sent a moment ago. Nothing to do.' });
  const arrived = await waitForMessages(deps, partner.symbol, testId, new Date(startedAt.getTime() - 60_000), body.waitSeconds * 1000);
  const messages = arrived
    .map(arrival)
    .filter((m): m is ArrivedMessage & { sentAt: number } => m !== undefined)
    // Arrival order; two received within the same millisecond in the order the partner stamped them.
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.sentAt - b.sentAt)
    .map(({ sentAt: _sentAt, ...m }) => m);
  const order = statusOrder(messages.map((m) => m.status).filter((s): s is SupplierStatus => s !== null));
  const cancelAnswered = messages.some((m) => m.reasonForMessage === 'CancelResponse');
  const passed = [request, cancel].every((c) => c.outcome === 'confirmed' && c.inTime && c.schemaValid === true) && messages.every((m) => m.schemaValid) && order.allowed;
  return {
    partner: partner.symbol,
    endpoint,
    fromLibrary: library.symbol,
    requestingAgencyRequestId: testId,
    startedAt,
    finishedAt: deps.now(),
    waitSeconds: body.waitSeconds,
    timeoutMs,
    request,
    cancel,
    messages,
    statusOrder: order,
    cancelAnswered,
    passed,
    findings: findings(partner.symbol, { request, cancel, messages, order, cancelAnswered, waitSeconds: body.waitSeconds, timeoutMs }),
  };
}

async function sendingLibrary(deps: ServiceDeps, principal: Principal, given: string | undefined): Promise<LibraryRow> {
  if (principal.libraryId !== null) {
    const own = await deps.directory.libraryById(principal.libraryId);
    if (!own) throw new NotFound('library', principal.libraryId);
    if (given !== undefined && canonicalSymbol(given) !== own.symbol) throw new Forbidden(`this key acts for ${own.symbol}; it cannot send a self-test from ${canonicalSymbol(given)}`);
    return own;
  }
  if (given !== undefined) {
    const library = await deps.directory.library(canonicalSymbol(given));
    if (!library) throw new NotFound('library', canonicalSymbol(given));
    return library;
  }
  const libraries = await deps.directory.libraries();
  if (libraries.length === 1) return libraries[0]!;
  throw new ValidationFailed([{ path: 'fromLibrary', message: `this server serves ${libraries.length} libraries; say which one sends the test` }]);
}

function testRequest(header: Request['header'], library: LibraryRow): Request {
  return {
    kind: 'request',
    header,
    bibliographicInfo: { title: 'ILL SELF-TEST - DO NOT SUPPLY', author: 'ISO 18626 connection test' },
    serviceInfo: {
      serviceType: 'Loan',
      note: `This is an automated test of the ISO 18626 connection from ${library.name} (${library.symbol}). Do not supply: it is cancelled at once.`,
    },
    requestingAgencyInfo: { name: library.name },
  };
}

interface Exchange {
  readonly partner: PartnerRow;
  readonly endpoint: string;
  readonly mark: SelfTestMark;
  readonly timeoutMs: number;
  readonly httpHeaders: Readonly<Record<string, string>>;
}

/** Sends one message of the test and judges the answer; the message is recorded before it is sent, so the partner's quick answers are recognised. */
async function exchange(deps: SelfTestDeps, ex: Exchange, message: Request | RequestingAgencyMessage): Promise<ConfirmationCheck> {
  // In the partner's own revision of the standard, as its real traffic would be.
  const xml = buildIso18626(message, { version: ex.partner.protocolVersion });
  const id = deps.newId();
  const sentAt = deps.now();
  await recordMessage(deps.db, { id, protocol: 'iso18626', direction: 'out', peer: ex.partner.symbol, messageType: message.kind, status: 'sent', requestId: null, rawXml: xml, parsed: { selfTest: ex.mark }, createdAt: sentAt });
  const started = performance.now();
  const outcome = await sendIso18626({ url: ex.endpoint, httpHeaders: ex.httpHeaders }, xml, { timeoutMs: ex.timeoutMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const elapsedMs = Math.round(performance.now() - started);
  const check = judge(message.kind === 'request' ? 'request' : 'cancel', outcome, elapsedMs, message.header.requestingAgencyRequestId);
  await settleSelfTestMessage(deps.db, id, {
    status: check.outcome === 'confirmed' ? 'confirmed' : check.outcome === 'no-answer' || check.outcome === 'not-a-confirmation' ? 'failed' : 'refused',
    responseXml: outcome.responseXml ?? null,
    httpStatus: outcome.httpStatus ?? null,
    error: check.problem ?? null,
    parsed: { selfTest: ex.mark, ...(check.warnings.length > 0 ? { answerWarnings: check.warnings } : {}) },
    lastAttemptAt: deps.now(),
  });
  return check;
}

const EXPECTED_CONFIRMATION = { request: 'requestConfirmation', cancel: 'requestingAgencyMessageConfirmation' } as const;

function judge(which: 'request' | 'cancel', outcome: Iso18626Outcome, elapsedMs: number, testId: string): ConfirmationCheck {
  const answerXml = outcome.responseXml === undefined ? null : capped(maskXmlSecrets(outcome.responseXml));
  const read = outcome.responseXml ? tryParseIso18626(outcome.responseXml) : undefined;
  const warnings = read?.ok ? read.result.warnings : [];
  const unknownElements = read?.ok ? read.result.unknownElements : [];
  const schemaValid = read === undefined ? null : read.ok && warnings.length === 0 && unknownElements.length === 0;
  const confirmation = 'confirmation' in outcome ? (outcome.confirmation as ConfirmationMessage | undefined) : undefined;
  const base = {
    message: which,
    elapsedMs,
    httpStatus: outcome.httpStatus ?? null,
    messageStatus: confirmation?.confirmationHeader.messageStatus ?? null,
    errorData: confirmation?.errorData ?? null,
    schemaValid,
    warnings,
    unknownElements,
    answerXml,
  };
  if (outcome.kind === 'transient' && outcome.unreachable) return { ...base, outcome: 'no-answer', inTime: false, problem: `no answer: ${outcome.plain}` };
  if (outcome.kind === 'transient' && outcome.reason === 'not-a-confirmation') return { ...base, outcome: 'not-a-confirmation', inTime: true, problem: `the answer is not a confirmation (${outcome.detail})` };
  if (outcome.kind === 'transient' || (outcome.kind === 'refused' && outcome.reason === 'http-status')) return { ...base, outcome: 'http-error', inTime: true, problem: `it answered HTTP ${outcome.httpStatus}` };
  const problems: string[] = [];
  if (confirmation && confirmation.kind !== EXPECTED_CONFIRMATION[which]) problems.push(`it answered with a ${confirmation.kind}, not a ${EXPECTED_CONFIRMATION[which]}`);
  if (confirmation?.confirmationHeader.requestingAgencyRequestId !== undefined && confirmation.confirmationHeader.requestingAgencyRequestId !== testId) {
    problems.push(`the confirmation names request ${JSON.stringify(confirmation.confirmationHeader.requestingAgencyRequestId)}, not ${testId}`);
  }
  if (outcome.kind === 'refused') problems.push(`ERROR${outcome.errorData ? ` ${outcome.errorData.errorType}${outcome.errorData.errorValue ? `: ${outcome.errorData.errorValue}` : ''}` : ' without errorData'}`);
  return { ...base, outcome: outcome.kind === 'refused' ? 'error' : 'confirmed', inTime: true, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}

/** Polls the database (not memory: another instance may have received them) until the cancel is answered or the wait is over. */
async function waitForMessages(deps: SelfTestDeps, peer: string, testId: string, since: Date, waitMs: number): Promise<ProtocolMessageRow[]> {
  const deadline = Date.now() + waitMs;
  const pollMs = deps.selfTestPollMs ?? 250;
  for (;;) {
    const rows = await selfTestArrivals(deps.db, peer, testId, since);
    const answered = rows.some((r) => samOf(r)?.messageInfo.reasonForMessage === 'CancelResponse');
    if (answered || Date.now() >= deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

function samOf(row: ProtocolMessageRow): SupplyingAgencyMessage | undefined {
  const message = (row.parsed as { message?: { kind?: string } } | null)?.message;
  return message?.kind === 'supplyingAgencyMessage' ? (message as SupplyingAgencyMessage) : undefined;
}

function arrival(row: ProtocolMessageRow): (ArrivedMessage & { sentAt: number }) | undefined {
  const sam = samOf(row);
  if (!sam) return undefined;
  const parsed = row.parsed as { warnings?: Iso18626Warning[]; unknownElements?: UnknownElement[] };
  const warnings = parsed.warnings ?? [];
  return {
    messageId: row.id,
    at: row.createdAt,
    reasonForMessage: sam.messageInfo.reasonForMessage,
    status: sam.statusInfo.status ?? null,
    answerYesNo: sam.messageInfo.answerYesNo ?? null,
    schemaValid: warnings.length === 0 && (parsed.unknownElements ?? []).length === 0,
    warnings,
    sentAt: Date.parse(sam.header.timestamp) || 0,
  };
}

function findings(
  partner: string,
  r: { request: ConfirmationCheck; cancel: ConfirmationCheck; messages: readonly ArrivedMessage[]; order: StatusOrder; cancelAnswered: boolean; waitSeconds: number; timeoutMs: number },
): string[] {
  const lines = [confirmationFinding('test request', r.request, r.timeoutMs), confirmationFinding('cancel', r.cancel, r.timeoutMs)];
  if (r.messages.length === 0) lines.push(`${partner} sent no message about the test within ${r.waitSeconds} s.`);
  else {
    const list = r.messages.map((m) => `${m.status ?? '(no status)'} (${m.reasonForMessage}${m.answerYesNo ? `, ${m.answerYesNo}` : ''})`).join(', ');
    lines.push(`${partner} sent ${r.messages.length} message${r.messages.length === 1 ? '' : 's'} about the test: ${list}.`);
    for (const m of r.messages.filter((x) => !x.schemaValid)) lines.push(`Its ${m.reasonForMessage} message deviates from the schema: ${warningList(m.warnings)}.`);
    lines.push(r.order.allowed ? 'Its statuses came in an order the standard allows.' : `Its statuses came out of order: ${r.order.problems.join('; ')}.`);
  }
  if (!r.cancelAnswered) lines.push(`${partner} did not answer the cancel (a CancelResponse) within ${r.waitSeconds} s.`);
  return lines;
}

function confirmationFinding(what: string, c: ConfirmationCheck, timeoutMs: number): string {
  if (c.outcome === 'no-answer') return `The ${what} got no confirmation within ${timeoutMs / 1000} s (${c.problem}).`;
  if (c.outcome === 'http-error' || c.outcome === 'not-a-confirmation') return `The ${what} got no confirmation: ${c.problem}.`;
  const status = c.outcome === 'confirmed' ? 'confirmed OK' : 'answered ERROR';
  const validity = c.schemaValid ? 'schema-valid' : `not schema-valid (${warningList(c.warnings)}${c.unknownElements.length > 0 ? `${c.warnings.length > 0 ? '; ' : ''}unknown elements ${c.unknownElements.map((u) => u.path).join(', ')}` : ''})`;
  return `The ${what} was ${status} in ${c.elapsedMs} ms, ${validity}${c.problem ? `; ${c.problem}` : ''}.`;
}

function warningList(warnings: readonly Iso18626Warning[]): string {
  return warnings.map((w) => `${w.code} at ${w.path}`).join(', ');
}

function capped(text: string): string {
  return text.length > ANSWER_CAP ? text.slice(0, ANSWER_CAP) : text;
}
