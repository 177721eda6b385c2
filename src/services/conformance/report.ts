/**
 * Conformance per partner: over a window, how many ISO 18626 messages a partner sent us and how
 * they deviate from the standard, each kind counted with a description in plain words and its
 * latest example. Counted from stored messages (store/conformance.ts), so a past window gives
 * the same answer today as it did then.
 *
 * Kinds of deviation: each warning code of the lenient reader (protocols/iso18626/shims.ts,
 * described there), elements the reader does not know, and messages refused, by errorType.
 */
import { ERROR_TYPES, WARNING_CODES, WARNING_DESCRIPTIONS, type ErrorType, type WarningCode } from '../../../protocols/iso18626';
import { maskXmlSecrets } from '../../../protocols/secrets';
import { canonicalSymbol } from '../../domain/symbols';
import { conformanceCounts, exampleMessages, type DeviationCount, type DeviationKind } from '../../store/conformance';
import type { Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { NotFound, ValidationFailed } from '../errors';

export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 366;
/** Enough of a message to see what is wrong with it; the whole of it is rarely longer. */
export const EXAMPLE_XML_CAP = 16 * 1024;
const DAY_MS = 86_400_000;

/** What a refusal of each errorType means, from the partner's side. */
export const REFUSAL_DESCRIPTIONS: Readonly<Record<ErrorType, string>> = {
  BadlyFormedMessage: 'refused: not a readable ISO 18626 message (not XML, not the schema’s structure, a required element missing)',
  UnrecognisedDataElement: 'refused: an element this server does not accept where it was',
  UnrecognisedDataValue: 'refused: a value this server could not accept (an unknown sender, request or code, an empty request id, a change not possible now)',
  UnsupportedActionType: 'refused: an action this server does not support',
  UnsupportedReasonForMessageType: 'refused: a reasonForMessage this server does not support',
};
const UNKNOWN_ELEMENT = 'elements the ISO 18626 v1.2 schema does not define; ignored';
const UNKNOWN_REFUSAL = 'refused (recorded before refusals kept their errorType)';

export interface Window {
  readonly since: Date;
  readonly until: Date;
}

export interface Deviation {
  readonly kind: DeviationKind;
  /** The warning code, `unknown-element`, or the errorType of the refusals (`unknown` for old rows that kept none). */
  readonly code: string;
  readonly description: string;
  readonly messages: number;
  readonly occurrences: number;
  readonly latest: {
    readonly messageId: string;
    readonly at: Date;
    readonly path: string | null;
    readonly detail: string | null;
    readonly requestId: string | null;
    readonly httpStatus: number | null;
    readonly rawXml?: string;
    readonly rawXmlTruncated?: boolean;
    /** Our answer to it (the confirmation), capped the same way. */
    readonly answerXml?: string | null;
    /** Set for a key of one library, which is not shown the text. */
    readonly rawXmlWithheld?: boolean;
  };
}

export interface PartnerConformance {
  readonly partner: { readonly symbol: string; readonly name: string };
  readonly since: Date;
  readonly until: Date;
  readonly received: number;
  readonly refused: number;
  /** Messages with at least one deviation. */
  readonly deviating: number;
  /** `unqualified-attribute ×312, compact-offset ×12, refused UnrecognisedDataValue ×3`, or `no deviations`. */
  readonly summary: string;
  /** Most frequent first. */
  readonly deviations: readonly Deviation[];
}

export interface ConformanceList {
  readonly since: Date;
  readonly until: Date;
  /** Every partner in the directory, those with the most deviating messages first. */
  readonly partners: readonly Omit<PartnerConformance, 'since' | 'until' | 'deviations'>[];
}

/** `since`/`until` as given (either may be absent): until defaults to now, since to 30 days before until. */
export function conformanceWindow(now: Date, given: { since?: Date | undefined; until?: Date | undefined }): Window {
  const until = given.until ?? now;
  const since = given.since ?? new Date(until.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (since.getTime() >= until.getTime()) throw new ValidationFailed([{ path: 'query.since', message: 'must be before until' }], 'The window is empty');
  if (until.getTime() - since.getTime() > MAX_WINDOW_DAYS * DAY_MS) throw new ValidationFailed([{ path: 'query.since', message: `the window is at most ${MAX_WINDOW_DAYS} days` }], 'The window is too long');
  return { since, until };
}

/**
 * A key for one library gets the counts (the directory is the same for every library) but not the
 * examples' text: the messages may be another library's, with its patrons in them.
 */
export async function partnerConformance(deps: ServiceDeps, principal: Principal, symbol: string, given: { since?: Date; until?: Date }): Promise<PartnerConformance> {
  const partner = await deps.directory.partner(canonicalSymbol(symbol));
  if (!partner) throw new NotFound('partner', canonicalSymbol(symbol));
  const window = conformanceWindow(deps.now(), given);
  const query = { ...window, peer: partner.symbol };
  const { traffic, deviations: counts } = await conformanceCounts(deps.db, query);
  const deviations = sorted(merged(counts));
  const exampleIds = principal.libraryId === null ? [...new Set(deviations.map((d) => d.latest.messageId))] : [];
  const examples = new Map((await exampleMessages(deps.db, exampleIds)).map((e) => [e.id, e]));
  const totals = traffic[0] ?? { received: 0, refused: 0, deviating: 0 };
  return {
    partner: { symbol: partner.symbol, name: partner.name },
    ...window,
    received: totals.received,
    refused: totals.refused,
    deviating: totals.deviating,
    summary: summaryOf(deviations),
    deviations: deviations.map((d) => {
      if (principal.libraryId !== null) return { ...d, latest: { ...d.latest, rawXmlWithheld: true } };
      const example = examples.get(d.latest.messageId);
      if (!example) return d;
      const raw = capped(maskXmlSecrets(example.rawXml));
      return { ...d, latest: { ...d.latest, rawXml: raw.text, rawXmlTruncated: raw.truncated, answerXml: example.responseXml === null ? null : capped(maskXmlSecrets(example.responseXml)).text } };
    }),
  };
}

export async function conformanceList(deps: ServiceDeps, given: { since?: Date; until?: Date }): Promise<ConformanceList> {
  const window = conformanceWindow(deps.now(), given);
  const [partners, { traffic, deviations: counts }] = await Promise.all([deps.directory.partners(), conformanceCounts(deps.db, window)]);
  const trafficOf = new Map(traffic.map((t) => [t.peer, t]));
  const countsOf = new Map<string, DeviationCount[]>();
  for (const c of counts) countsOf.set(c.peer, [...(countsOf.get(c.peer) ?? []), c]);
  const rows = partners.map((p) => {
    const t = trafficOf.get(p.symbol);
    const deviations = sorted(merged(countsOf.get(p.symbol) ?? []));
    return { partner: { symbol: p.symbol, name: p.name }, received: t?.received ?? 0, refused: t?.refused ?? 0, deviating: t?.deviating ?? 0, summary: summaryOf(deviations) };
  });
  rows.sort((a, b) => b.deviating - a.deviating || b.received - a.received || a.partner.symbol.localeCompare(b.partner.symbol));
  return { ...window, partners: rows };
}

/** The description of a kind of deviation, in the words staff read. */
export function describeDeviation(kind: DeviationKind, code: string): string {
  if (kind === 'warning') return isWarningCode(code) ? WARNING_DESCRIPTIONS[code] : `reader warning ${code}`;
  if (kind === 'unknown-element') return UNKNOWN_ELEMENT;
  return isErrorType(code) ? REFUSAL_DESCRIPTIONS[code] : UNKNOWN_REFUSAL;
}

/** Rows whose stored refusal type is no errorType (old rows) are one kind, `unknown`. */
function merged(counts: readonly DeviationCount[]): Deviation[] {
  const byKey = new Map<string, Deviation>();
  for (const c of counts) {
    const code = c.kind === 'refused' && !isErrorType(c.code ?? '') ? 'unknown' : (c.code ?? 'unknown');
    const key = `${c.kind}\u0000${code}`;
    const seen = byKey.get(key);
    const { peer: _peer, ...count } = c;
    if (!seen) {
      byKey.set(key, { ...count, code, description: describeDeviation(c.kind, code) });
      continue;
    }
    byKey.set(key, { ...seen, messages: seen.messages + c.messages, occurrences: seen.occurrences + c.occurrences, latest: seen.latest.at >= c.latest.at ? seen.latest : c.latest });
  }
  return [...byKey.values()];
}

function sorted(deviations: Deviation[]): Deviation[] {
  return deviations.sort((a, b) => b.messages - a.messages || b.occurrences - a.occurrences || a.code.localeCompare(b.code));
}

function summaryOf(deviations: readonly Deviation[]): string {
  if (deviations.length === 0) return 'no deviations';
  return deviations.map((d) => `${d.kind === 'refused' ? `refused ${d.code}` : d.code} ×${d.messages}`).join(', ');
}

function capped(text: string): { text: string; truncated: boolean } {
  return text.length > EXAMPLE_XML_CAP ? { text: text.slice(0, EXAMPLE_XML_CAP), truncated: true } : { text, truncated: false };
}

const isWarningCode = (code: string): code is WarningCode => (WARNING_CODES as readonly string[]).includes(code);
const isErrorType = (code: string): code is ErrorType => (ERROR_TYPES as readonly string[]).includes(code);
