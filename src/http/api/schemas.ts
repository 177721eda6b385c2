/** Response shapes for the OpenAPI document (requests are validated by the use cases' own schemas). */
import { z } from 'zod';
import { PROTOCOL_VERSIONS } from '../../../protocols/iso18626';
import { API_ROLES } from '../../services/access/api-keys';
import { PROBLEM_CODES } from '../../services/errors';
import { requestDataSchema } from '../../store/request-data';

const instant = z.iso.datetime({ offset: true });
const symbol = z.string().meta({ example: 'ISIL:DK-100' });

export const problemSchema = z
  .object({
    type: z.string().meta({ example: '/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: 'Validation problems, one per bad field' }),
    current: z
      .object({ state: z.string(), version: z.number().int(), actions: z.array(z.string()).optional() })
      .optional()
      .meta({ description: '409 on a request: the request as it is now' }),
    code: z.enum(PROBLEM_CODES).optional().meta({ description: 'Patron routes: why, as a key the patron pages translate (wrong_card, blocked, limit_open, …)' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const requestSchema = z
  .object({
    id: z.uuid(),
    requestNumber: z.string().meta({ description: 'The request’s number for people: the library’s count of its requests (borrowing and lending), unique within the library. Patron mail quotes it, and the search (q) and scan (barcode) find requests by it, also as #1042. Mail sent before requests were counted quotes the id’s first eight hex digits (3F2A-91C4); the search finds those too', example: '1042' }),
    library: symbol.nullable().meta({ description: 'The member library the request belongs to' }),
    role: z.enum(['requester', 'supplier', 'broker']),
    state: z.string(),
    version: z.number().int().meta({ description: 'Send it back with an action (optimistic lock)' }),
    serviceType: z.enum(['Loan', 'Copy', 'CopyOrLoan']),
    requestingAgencyId: symbol,
    requestingAgencyRequestId: z.string(),
    supplyingAgencyId: symbol.nullable(),
    supplyingAgencyRequestId: z.string().nullable(),
    partner: symbol.nullable().meta({ description: 'The other side now: our current supplier, or the requester of a supply request' }),
    needsAttention: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
    data: requestDataSchema.meta({
      id: 'RequestData',
      description:
        'What the request keeps (src/store/request-data.ts): bibliographic, patron, pickupLocation, neededBy, billing (maxCost), source, lifecycle (rota, dueDate, loanConditions, retryOffer: a RetryPossible offer waiting for staff or made by them, retryAt: when a scheduled retry goes out, earlierRequestIds: the ids before each retry, ...), ncip (what the ILS told us); ' +
        'a lending request a Retry made has retryOf (the request it retries), the one it retries has retriedAs. Keys this version does not know are kept as stored',
    }),
    actions: z.array(z.string()).meta({ description: 'Staff actions the request offers now' }),
  })
  .meta({ id: 'Request' });

export const requestListSchema = z
  .object({ items: z.array(requestSchema), nextCursor: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last page' }) })
  .meta({ id: 'RequestList' });

export const timelineEntrySchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('event'),
      at: instant,
      id: z.string(),
      event: z.string(),
      fromState: z.string().nullable(),
      toState: z.string(),
      actor: z.string().meta({ description: '`user:<user id>` (a person), `staff:<key id>` (an API key), `partner:<symbol>`, `system...`' }),
      actorName: z.string().nullable().meta({ description: 'The person’s display name or the key’s name, "the patron" for the request’s own patron (actor patron); null for the system and partners' }),
      data: z.record(z.string(), z.unknown()),
    }),
    z.object({
      kind: z.literal('message'),
      at: instant,
      id: z.string(),
      protocol: z.enum(['iso18626', 'ncip']),
      direction: z.enum(['in', 'out']),
      peer: z.string().nullable(),
      messageType: z.string().nullable(),
      status: z.string(),
      rawXml: z.string(),
      responseXml: z.string().nullable(),
      httpStatus: z.number().int().nullable(),
      error: z.string().nullable(),
      attempts: z.number().int().meta({ description: 'Outbound: how many times these bytes were sent; status, answer and error are the latest attempt’s' }),
      lastAttemptAt: instant.nullable(),
    }),
    z
      .object({
        kind: z.literal('delivery_failure'),
        at: instant,
        id: z.string(),
        messageId: z.string().meta({ description: 'The message entry whose delivery failed' }),
        peer: z.string().nullable(),
        messageType: z.string().nullable(),
        count: z.number().int().meta({ description: 'Failed attempts in this run' }),
        firstAt: instant,
        lastAt: instant,
        error: z.string(),
        httpStatus: z.number().int().nullable(),
      })
      .meta({ description: 'A run of identical failed attempts to deliver an outbound message' }),
    z.object({
      kind: z.literal('notification'),
      at: instant,
      id: z.string(),
      notice: z.string(),
      recipient: z.string().nullable(),
      status: z.enum(['pending', 'sending', 'sent', 'failed', 'skipped']).meta({ description: 'sending: a worker is sending it now (or was, and another takes it over once it is abandoned)' }),
      attempts: z.number().int(),
      error: z.string().nullable(),
      sentAt: instant.nullable(),
    }),
  ])
  .meta({ id: 'TimelineEntry' });

export const requestWithTimelineSchema = requestSchema
  .extend({ timeline: z.array(timelineEntrySchema).meta({ description: 'State changes, notes, protocol messages (raw XML, secrets masked), failed delivery attempts and patron notices, oldest first' }) })
  .meta({ id: 'RequestWithTimeline' });

export const partnerSchema = z
  .object({
    symbol,
    name: z.string(),
    iso18626Url: z.string().nullable(),
    auth: z.record(z.string(), z.unknown()).meta({ description: 'Secrets masked as "********"' }),
    policies: z.record(z.string(), z.unknown()),
    vendor: z.string().nullable(),
    contactEmail: z.string().nullable(),
    status: z.enum(['active', 'suspended', 'inactive']),
    protocolVersion: z.enum(PROTOCOL_VERSIONS).meta({ description: 'The ISO 18626 schema messages to the partner are written in' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Partner' });

export const librarySchema = z
  .object({
    symbol,
    name: z.string(),
    settings: z
      .record(z.string(), z.unknown())
      .meta({ description: 'As stored: ncip, ncipResponder, mail, pickupLocations, broker, routing, lending (each part as in LibrarySettings); secrets masked as "********"' }),
    settingsProblems: z
      .array(z.object({ path: z.string().meta({ example: 'settings.broker.mode' }), message: z.string() }))
      .meta({ description: 'Stored settings that do not validate against LibrarySettings (older data, SQL by hand); empty when all is well. The server keeps serving; fix them with PATCH' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Library' });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(API_ROLES),
    library: symbol.nullable().meta({ description: 'null: all libraries' }),
    prefix: z.string().meta({ description: 'The first characters of the key', example: 'ill_3kF9a1Qx' }),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().meta({ description: 'The key itself: shown this once, stored only as a hash' }) }).meta({ id: 'CreatedApiKey' });

export const userSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: z.enum(API_ROLES),
    library: symbol.nullable().meta({ description: 'null: all libraries' }),
    disabled: z.boolean(),
    mustChangePassword: z.boolean().meta({ description: 'A temporary password (an admin’s reset, or a generated one) is in use' }),
    createdAt: instant,
    lastSignInAt: instant.nullable(),
  })
  .meta({ id: 'User' });

export const sessionSchema = z
  .object({
    user: userSchema,
    expiresAt: instant.meta({ description: 'Absolute expiry: no use extends the session past it' }),
    idleExpiresAt: instant.meta({ description: 'The session ends here unless used before (each use moves it on)' }),
    timeZone: z.string().nullable().meta({ description: 'The time zone of the user’s library, when its settings name one' }),
  })
  .meta({ id: 'Session' });

export const setupStatusSchema = z.object({ setupNeeded: z.boolean().meta({ description: 'True while no staff user exists' }) }).meta({ id: 'SetupStatus' });

export const idParams = z.object({ id: z.string().meta({ description: 'Request id (uuid)' }) });
export const symbolParams = z.object({ symbol: z.string().meta({ description: 'Agency symbol, e.g. ISIL:DK-100 (case does not matter)' }) });

const effectSchema = z.object({ id: z.uuid(), queue: z.string(), job: z.string(), status: z.enum(['pending', 'queued', 'done', 'dead']), attempts: z.number().int(), lastError: z.string().nullable() });

export const effectOutcomeSchema = z
  .object({
    settled: effectSchema.meta({ description: 'The work that gave up, now settled' }),
    replacement: effectSchema.nullable().meta({ description: 'Retry: the new outbox row that carries the work' }),
    needsAttention: z.boolean().meta({ description: 'Whether the request still needs attention' }),
  })
  .meta({ id: 'EffectOutcome' });

export const effectParams = z.object({ id: z.string().meta({ description: 'Request id (uuid)' }), outboxId: z.string().meta({ description: 'Outbox row id of the dead work (in the request’s needs_attention event)' }) });

/** One catalogue asked (routing from holdings, the form lookup): where, the CQL, what came back or why not. */
export const catalogueLookupSchema = z.object({
  source: z.string(),
  cql: z.string().optional(),
  ok: z.boolean(),
  durationMs: z.number(),
  cached: z.boolean().optional().meta({ description: 'An answer kept from an earlier lookup (settings.catalogue.cacheSeconds)' }),
  records: z.number().int().optional(),
  holdings: z.number().int().optional(),
  reason: z.string().optional(),
});
