/**
 * What staff see of requests: the filtered list with cursor pagination, and one request with
 * its whole timeline. A library-scoped key sees its own library's requests only; another
 * library's request is "not found", so a key cannot even learn that it exists.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isBrokerState } from '../../domain/broker';
import { queueById, QUEUE_IDS } from '../../domain/queues';
import { requestNumber } from '../../domain/request-number';
import { isRequesterState, REQUESTER_STATE_NAMES } from '../../domain/requester';
import { isSupplierState, SUPPLIER_STATE_NAMES } from '../../domain/supplier';
import { canonicalSymbol } from '../../domain/symbols';
import { listEvents, type RequestEventRow } from '../../store/events';
import { listLibraries } from '../../store/libraries';
import { listDeliveryFailuresForRequest, listMessagesForRequest } from '../../store/messages';
import { listNotificationsForRequest, searchRequests, type RequestFilters, type RequestSortField } from '../../store/request-search';
import { getRequest, type RequestRow } from '../../store/requests';
import { availableActions } from './actions';
import { agencySymbolSchema, type Principal } from '../access/api-keys';
import type { Db } from '../../store/db';
import type { ServiceDeps } from '../deps';
import { actorNames, type ActorNames } from './actor-names';
import { NotFound, ValidationFailed } from '../errors';
import { queryProblemDetail } from '../validation';

const STATES = [...new Set<string>([...REQUESTER_STATE_NAMES, ...SUPPLIER_STATE_NAMES])].sort();
const ROLES = ['requester', 'supplier', 'broker'] as const;
const SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'needBefore', '-needBefore'] as const;
const SERVICE_TYPES = ['Loan', 'Copy', 'CopyOrLoan'] as const;

/** `a,b` or a single value. */
const listOf = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(z.enum(values, { error: (i) => `unknown ${what} "${String(i.input)}"; one of ${values.join(', ')}` })).min(1));

const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (2026-12-31) or a date and time (2026-12-31T12:00:00Z)' })
  .transform((s) => new Date(s));

export const requestListQuerySchema = z
  .object({
    role: listOf(ROLES, 'role').optional().meta({ description: 'requester, supplier or broker; several separated by commas' }),
    state: listOf(STATES as [string, ...string[]], 'state').optional().meta({ description: 'One state or several separated by commas' }),
    partner: agencySymbolSchema.optional().meta({ description: 'The other side: the requesting agency of a supply request, or a supplier in a borrowing request’s rota' }),
    patron: z.string().trim().min(1).max(200).optional().meta({ description: 'Patron id' }),
    createdFrom: instant.optional().meta({ description: 'Created at or after (inclusive)' }),
    createdBefore: instant.optional().meta({ description: 'Created before (exclusive)' }),
    needsAttention: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({
        description:
          'Words that must each appear, accents and case aside (godel finds Gödel), in the title, author, publisher, DOI, ISBN, ISSN or OCLC number (identifiers also compared without hyphens), the patron’s name or id, either agency’s request id, or an item or temporary barcode; a request number (3F2A-91C4) finds the requests that have it',
      }),
    barcode: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Exactly what was scanned: an item barcode (given at ship), the ILS’s temporary item barcode, our request id or request number, or either agency’s request id' }),
    queue: z
      .enum(QUEUE_IDS, { error: (i) => `unknown queue "${String(i.input)}"; one of ${QUEUE_IDS.join(', ')}` })
      .optional()
      .meta({ description: 'The requests a work queue holds (GET /queues lists them with their counts)' }),
    serviceType: listOf(SERVICE_TYPES, 'service type').optional().meta({ description: 'Loan, Copy or CopyOrLoan; several separated by commas' }),
    needBeforeFrom: z.iso.date({ error: 'must be a date (2026-12-31)' }).optional().meta({ description: 'The patron needs it by this date or later (inclusive)' }),
    needBeforeTo: z.iso.date({ error: 'must be a date (2026-12-31)' }).optional().meta({ description: 'The patron needs it by this date or earlier (inclusive)' }),
    sort: z
      .enum(SORTS)
      .default('-createdAt')
      .meta({ description: 'createdAt (age), updatedAt or needBefore (the patron’s need-before date; requests without one sort as the latest); a leading "-" sorts newest first' }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional().meta({ description: 'nextCursor of the previous page (with the same filters and sort)' }),
  })
  .strict();

export type RequestListQuery = z.output<typeof requestListQuerySchema>;

export interface RequestView {
  readonly id: string;
  /** What patrons quote and staff type (domain/request-number.ts). */
  readonly requestNumber: string;
  readonly library: string | null;
  readonly role: RequestRow['role'];
  readonly state: string;
  readonly version: number;
  readonly serviceType: RequestRow['serviceType'];
  readonly requestingAgencyId: string;
  readonly requestingAgencyRequestId: string;
  readonly supplyingAgencyId: string | null;
  readonly supplyingAgencyRequestId: string | null;
  /** The other side now: our current supplier, or the requester of a supply request. */
  readonly partner: string | null;
  readonly needsAttention: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly data: Record<string, unknown>;
  readonly actions: string[];
}

/** A row in a state its machine does not know (data from an older version) offers nothing. */
function actionsOf(row: RequestRow): string[] {
  const known = row.role === 'supplier' ? isSupplierState(row.state) : row.role === 'broker' ? isBrokerState(row.state) : isRequesterState(row.state);
  return known ? availableActions(row) : [];
}

function currentPartner(row: RequestRow): string | null {
  if (row.role === 'supplier') return row.requestingAgencyId;
  const lifecycle = row.data.lifecycle;
  return lifecycle?.rota?.[lifecycle.rotaIndex ?? 0]?.symbol ?? row.supplyingAgencyId ?? null;
}

export async function librarySymbols(deps: ServiceDeps): Promise<Map<string, string>> {
  return new Map((await listLibraries(deps.db)).map((l) => [l.id, l.symbol]));
}

export function requestView(row: RequestRow, symbols: ReadonlyMap<string, string>): RequestView {
  return {
    id: row.id,
    requestNumber: requestNumber(row),
    library: row.libraryId ? (symbols.get(row.libraryId) ?? null) : null,
    role: row.role,
    state: row.state,
    version: row.version,
    serviceType: row.serviceType,
    requestingAgencyId: row.requestingAgencyId,
    requestingAgencyRequestId: row.requestingAgencyRequestId,
    supplyingAgencyId: row.supplyingAgencyId,
    supplyingAgencyRequestId: row.supplyingAgencyRequestId,
    partner: currentPartner(row),
    needsAttention: row.needsAttention,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    data: row.data,
    actions: actionsOf(row),
  };
}

/** The request if the caller may see it; NotFound otherwise, whether it exists or not. */
export async function visibleRequest(deps: ServiceDeps, id: string, principal: Principal): Promise<RequestRow> {
  const row = z.uuid().safeParse(id).success ? await getRequest(deps.db, id) : undefined;
  if (!row || (principal.libraryId !== null && row.libraryId !== principal.libraryId)) throw new NotFound('request', id);
  return row;
}

interface Cursor {
  /** Sort and filters the cursor belongs to. */
  readonly k: string;
  readonly v: string;
  readonly id: string;
}

const cursorSchema = z.object({ k: z.string(), v: z.string().min(1), id: z.uuid() });

function cursorKey(query: RequestListQuery, principal: Principal): string {
  const { cursor: _c, limit: _l, ...rest } = query;
  return createHash('sha256').update(JSON.stringify({ ...rest, scope: principal.libraryId })).digest('base64url').slice(0, 16);
}

function readCursor(text: string, key: string): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw new ValidationFailed([{ path: 'query.cursor', message: 'is not a cursor this server handed out' }], queryProblemDetail(['cursor']));
  if (parsed.data.k !== key) throw new ValidationFailed([{ path: 'query.cursor', message: 'belongs to a list with other filters or another sort; start again without it' }], queryProblemDetail(['cursor']));
  return parsed.data;
}

export interface RequestList {
  readonly items: RequestView[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** The store's filters for a list query, inside the caller's scope: another library's requests never match. */
export function requestFilters(deps: ServiceDeps, query: Omit<RequestListQuery, 'cursor' | 'limit'>, principal: Principal): RequestFilters {
  return {
    ...(principal.libraryId ? { libraryId: principal.libraryId } : {}),
    ...(query.role ? { roles: query.role } : {}),
    ...(query.state ? { states: query.state } : {}),
    ...(query.partner ? { partner: canonicalSymbol(query.partner) } : {}),
    ...(query.patron ? { patronId: query.patron } : {}),
    ...(query.createdFrom ? { createdFrom: query.createdFrom } : {}),
    ...(query.createdBefore ? { createdBefore: query.createdBefore } : {}),
    ...(query.needsAttention !== undefined ? { needsAttention: query.needsAttention } : {}),
    ...(query.q ? { words: query.q.split(/\s+/).filter((w) => w !== '') } : {}),
    ...(query.barcode ? { barcode: query.barcode } : {}),
    ...(query.serviceType ? { serviceTypes: query.serviceType } : {}),
    ...(query.needBeforeFrom ? { needBeforeFrom: query.needBeforeFrom } : {}),
    ...(query.needBeforeTo ? { needBeforeTo: query.needBeforeTo } : {}),
    ...(query.queue ? { queue: { definition: queueById(query.queue)!, at: deps.now() } } : {}),
  };
}

/** `-createdAt` -> newest first by createdAt. */
export function sortOf(sort: RequestListQuery['sort']): { readonly sort: RequestSortField; readonly direction: 'asc' | 'desc' } {
  return { sort: sort.replace('-', '') as RequestSortField, direction: sort.startsWith('-') ? 'desc' : 'asc' };
}

export async function listRequests(deps: ServiceDeps, query: RequestListQuery, principal: Principal): Promise<RequestList> {
  const key = cursorKey(query, principal);
  const after = query.cursor ? readCursor(query.cursor, key) : undefined;
  const page = await searchRequests(deps.db, requestFilters(deps, query, principal), {
    ...sortOf(query.sort),
    limit: query.limit,
    ...(after ? { after: { value: after.v, id: after.id } } : {}),
  });
  const symbols = await librarySymbols(deps);
  const nextCursor = page.last ? Buffer.from(JSON.stringify({ k: key, v: page.last.value, id: page.last.id } satisfies Cursor)).toString('base64url') : null;
  return { items: page.rows.map((row) => requestView(row, symbols)), nextCursor };
}

export type TimelineEntry =
  | { kind: 'event'; at: Date; id: string; event: string; fromState: string | null; toState: string; actor: string; actorName: string | null; data: Record<string, unknown> }
  | {
      kind: 'message';
      at: Date;
      id: string;
      protocol: string;
      direction: string;
      peer: string | null;
      messageType: string | null;
      status: string;
      rawXml: string;
      responseXml: string | null;
      httpStatus: number | null;
      error: string | null;
      /** Outbound: times these bytes were sent; status, answer and error are the latest attempt's. */
      attempts: number;
      lastAttemptAt: Date | null;
    }
  | {
      /** A run of identical failed attempts to deliver a message (its XML is in the message entry). */
      kind: 'delivery_failure';
      at: Date;
      id: string;
      messageId: string;
      peer: string | null;
      messageType: string | null;
      count: number;
      firstAt: Date;
      lastAt: Date;
      error: string;
      httpStatus: number | null;
    }
  | { kind: 'notification'; at: Date; id: string; notice: string; recipient: string | null; status: string; attempts: number; error: string | null; sentAt: Date | null };

function eventEntry(e: RequestEventRow, names: ActorNames): TimelineEntry {
  return { kind: 'event', at: e.at, id: String(e.id), event: e.event, fromState: e.fromState, toState: e.toState, actor: e.actor, actorName: names(e.actor), data: e.data };
}

/** Events as timeline entries, with the names of the people and keys that caused them. */
export async function timelineEvents(db: Db, events: readonly RequestEventRow[]): Promise<TimelineEntry[]> {
  const names = await actorNames(db, events.map((e) => e.actor));
  return events.map((e) => eventEntry(e, names));
}

/** The request, what can be done next, and everything that happened to it, oldest first. */
export async function requestWithTimeline(deps: ServiceDeps, id: string, principal: Principal): Promise<RequestView & { timeline: TimelineEntry[] }> {
  // One snapshot: a delivery attempt committing halfway through must not show up in one list and not the other.
  const { row, events, messages, failures, notices, symbols, names } = await deps.db.transaction(
    async (tx) => {
      const at = { ...deps, db: tx };
      const found = await visibleRequest(at, id, principal);
      const [events, messages, failures, notices, symbols] = await Promise.all([
        listEvents(tx, id),
        listMessagesForRequest(tx, id),
        listDeliveryFailuresForRequest(tx, id),
        listNotificationsForRequest(tx, id),
        librarySymbols(at),
      ]);
      return { row: found, events, messages, failures, notices, symbols, names: await actorNames(tx, events.map((e) => e.actor)) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const timeline: TimelineEntry[] = [
    ...events.map((e) => eventEntry(e, names)),
    ...messages.map((m): TimelineEntry => ({
      kind: 'message',
      at: m.createdAt,
      id: m.id,
      protocol: m.protocol,
      direction: m.direction,
      peer: m.peer,
      messageType: m.messageType,
      status: m.status,
      rawXml: m.rawXml,
      responseXml: m.responseXml,
      httpStatus: m.httpStatus,
      error: m.error,
      attempts: m.attempts,
      lastAttemptAt: m.lastAttemptAt,
    })),
    ...failures.map((f): TimelineEntry => ({
      kind: 'delivery_failure',
      at: f.firstAt,
      id: f.id,
      messageId: f.messageId,
      peer: f.peer,
      messageType: f.messageType,
      count: f.count,
      firstAt: f.firstAt,
      lastAt: f.lastAt,
      error: f.error,
      httpStatus: f.httpStatus,
    })),
    ...notices.map((n): TimelineEntry => ({
      kind: 'notification',
      at: n.createdAt,
      id: n.id,
      notice: n.event,
      recipient: n.recipient,
      status: n.status,
      attempts: n.attempts,
      error: n.error,
      sentAt: n.sentAt,
    })),
  ];
  // Stable: entries of one kind keep their stored order when times are equal.
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { ...requestView(row, symbols), timeline };
}

