/**
 * The database schema (Drizzle). Migrations under ./migrations are generated from this file
 * with `npm run db:generate` and committed; never edit a generated migration by hand.
 *
 * SQL must also run on PostgreSQL 15 (CI) as well as PGlite (PostgreSQL 17+ in WASM).
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ProtocolVersion } from '../../protocols/iso18626';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** Member libraries served by this instance. */
export const libraries = pgTable('libraries', {
  id: uuid('id').primaryKey(),
  /** Agency symbol as `TYPE:VALUE`, upper-cased type (e.g. `ISIL:DK-123`). */
  symbol: text('symbol').notNull().unique(),
  name: text('name').notNull(),
  /** NCIP endpoint and credentials, mail sender, pickup locations: shaped by later modules. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The partner directory: libraries and brokers this instance exchanges ISO 18626 with. */
export const partners = pgTable('partners', {
  id: uuid('id').primaryKey(),
  symbol: text('symbol').notNull().unique(),
  name: text('name').notNull(),
  /** Where ISO 18626 messages to this partner are POSTed. */
  iso18626Url: text('iso18626_url'),
  /** Shared secret / HTTP credentials; never returned by the API in clear. */
  auth: jsonb('auth').$type<Record<string, unknown>>().notNull().default({}),
  policies: jsonb('policies').$type<Record<string, unknown>>().notNull().default({}),
  vendor: text('vendor'),
  contactEmail: text('contact_email'),
  status: text('status').$type<'active' | 'suspended' | 'inactive'>().notNull().default('active'),
  /** The ISO 18626 schema every message to this partner is written in: '1.2' or '2021' (ISO-18626-2021-2.xsd). */
  protocolVersion: text('protocol_version').$type<ProtocolVersion>().notNull().default('1.2'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One row per role per transaction (a loan between two members here is two rows). */
export const requests = pgTable(
  'requests',
  {
    id: uuid('id').primaryKey(),
    libraryId: uuid('library_id').references(() => libraries.id),
    /**
     * The request's number for people, counted per library from 1 (what patrons quote and staff
     * type). Given by the database as the row is inserted (trigger requests_number, one sequence
     * per library): no lock, so concurrent intake for one library does not queue on a counter.
     * A number taken by an insert that does not happen is skipped, never given twice.
     */
    number: integer('number'),
    role: text('role').$type<'requester' | 'supplier' | 'broker'>().notNull(),
    state: text('state').notNull(),
    serviceType: text('service_type').$type<'Loan' | 'Copy' | 'CopyOrLoan'>().notNull(),
    requestingAgencyId: text('requesting_agency_id').notNull(),
    requestingAgencyRequestId: text('requesting_agency_request_id').notNull(),
    supplyingAgencyId: text('supplying_agency_id'),
    supplyingAgencyRequestId: text('supplying_agency_request_id'),
    /** Bibliographic data, patron and the rest of the request as the lifecycle shapes it. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    needsAttention: boolean('needs_attention').notNull().default(false),
    /** Optimistic lock: every update must name the version it read. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('requests_transaction_idx').on(t.requestingAgencyId, t.requestingAgencyRequestId),
    index('requests_library_state_idx').on(t.libraryId, t.state),
    // A requester id names one borrowing request of its agency (CrossLink makes it globally unique).
    uniqueIndex('requests_requester_key').on(t.requestingAgencyId, t.requestingAgencyRequestId).where(sql`${t.role} = 'requester'`),
    // A supplier sees one request per requester id: a second delivery of the same request is a duplicate.
    uniqueIndex('requests_supplier_key').on(t.supplyingAgencyId, t.requestingAgencyId, t.requestingAgencyRequestId).where(sql`${t.role} = 'supplier'`),
    // A broker brokers one transaction per request id (the id goes unchanged to every supplier,
    // so it must be unique at the hub, as CrossLink requires).
    uniqueIndex('requests_broker_key').on(t.libraryId, t.requestingAgencyRequestId).where(sql`${t.role} = 'broker'`),
    // One patron's requests at a library: the patron's page, the limits on placing, staff's
    // patron filter and the erasure of one patron (store/patron-requests.ts, request-search.ts).
    index('requests_library_patron_idx').on(t.libraryId, sql`(${t.data}->'patron'->>'id')`),
    // Number first: a search by number alone (every library staff may see) uses it too.
    uniqueIndex('requests_number_key').on(t.number, t.libraryId),
  ],
);

/** Append-only audit of every state change (a trigger refuses UPDATE and DELETE). */
export const requestEvents = pgTable(
  'request_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    event: text('event').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    /** Who caused it: `user:<staff user id>`, `staff:<key id>`, `partner:<symbol>`, `system`. */
    actor: text('actor').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('request_events_request_idx').on(t.requestId, t.id)],
);

/** Every protocol message in and out, raw, with what we made of it. */
export const protocolMessages = pgTable(
  'protocol_messages',
  {
    id: uuid('id').primaryKey(),
    protocol: text('protocol').$type<'iso18626' | 'ncip'>().notNull(),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    /** The other side: an agency symbol, or an NCIP endpoint. */
    peer: text('peer'),
    messageType: text('message_type'),
    /** in: received | answered | rejected; out: sent | confirmed | failed. */
    status: text('status').notNull(),
    requestId: uuid('request_id').references(() => requests.id),
    rawXml: text('raw_xml').notNull(),
    /** The answer: our confirmation for inbound messages, the peer's for outbound ones. */
    responseXml: text('response_xml'),
    httpStatus: integer('http_status'),
    parsed: jsonb('parsed').$type<unknown>(),
    error: text('error'),
    /**
     * Inbound only: a digest of what the message says. A second delivery of the same message is
     * answered with the first answer and changes nothing (the unique index settles races).
     */
    dedupeKey: text('dedupe_key'),
    /** Outbound only: the outbox row that sent it. */
    outboxId: uuid('outbox_id'),
    /**
     * Outbound ISO 18626: how many times these bytes were POSTed. A retry sends the same bytes, so
     * the message is kept once; status, answer and error are those of the latest attempt, and
     * failed attempts are summed up in delivery_failures. `createdAt` is the first attempt.
     */
    attempts: integer('attempts').notNull().default(1),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('protocol_messages_request_idx').on(t.requestId, t.createdAt),
    index('protocol_messages_outbox_idx').on(t.outboxId),
    index('protocol_messages_created_idx').on(t.createdAt),
    uniqueIndex('protocol_messages_dedupe_key').on(t.protocol, t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);

/**
 * Failed attempts to deliver an outbound message, one row per run of identical failures (same
 * error, same HTTP status): a partner down for a day is one row with a count, not thirty copies
 * of the message.
 */
export const deliveryFailures = pgTable(
  'delivery_failures',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => protocolMessages.id),
    error: text('error').notNull(),
    httpStatus: integer('http_status'),
    count: integer('count').notNull().default(1),
    firstAt: timestamp('first_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('delivery_failures_message_idx').on(t.messageId, t.firstAt)],
);

/**
 * Effects waiting to reach the outside world. Written in the same transaction as the decision
 * that caused them; the relay turns committed rows into BullMQ jobs whose id is the row id.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey(),
    /** Commit order: messages of one transaction leave in this order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    queue: text('queue').notNull(),
    jobName: text('job_name').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    requestId: uuid('request_id').references(() => requests.id),
    /** pending -> queued -> done | dead (retries exhausted or refused: needs attention). */
    status: text('status').$type<'pending' | 'queued' | 'done' | 'dead'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Not to run before this time (timers such as "no answer from the supplier"). */
    notBefore: timestamp('not_before', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    queuedAt: timestamp('queued_at', { withTimezone: true, mode: 'date' }),
    /**
     * When this row, still retrying, put its request in front of staff (a delivery failing for
     * longer than DELIVERY_ATTENTION_AFTER_MS); cleared once the partner answers.
     */
    attentionAt: timestamp('attention_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('outbox_pending_idx').on(t.seq).where(sql`${t.status} = 'pending'`), index('outbox_request_idx').on(t.requestId, t.seq)],
);

/** Patron e-mail, one row per notice: what was sent to whom, or why not. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id),
    /** The patron notice (shipped, ready_for_pickup, overdue, ...). */
    event: text('event').notNull(),
    /**
     * At most one mail per key: `<request>:<event>` for state notices, with the due date added for
     * due-soon and overdue reminders (one per due date). A retried job finds the row and stops.
     */
    dedupeKey: text('dedupe_key').notNull().unique(),
    recipient: text('recipient'),
    /**
     * pending -> sending (one worker holds the attempt) -> sent | failed (will retry) | skipped
     * (opted out, no address, event switched off).
     */
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed' | 'skipped'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the current attempt began: a `sending` row older than the lease was left by a worker that died. */
    attemptStartedAt: timestamp('attempt_started_at', { withTimezone: true, mode: 'date' }),
    /** Who holds the attempt: the outbox row (job) sending it. Its own retry may take it over at once. */
    attemptHolder: text('attempt_holder'),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('notifications_request_idx').on(t.requestId, t.createdAt)],
);

/** Staff and integration credentials. Only a hash of each key is kept; the key is shown once. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** SHA-256 of the whole key, hex. */
  keyHash: text('key_hash').notNull().unique(),
  /** The first characters of the key, so staff can tell keys apart in a list. */
  prefix: text('prefix').notNull(),
  role: text('role').$type<'admin' | 'staff' | 'read-only'>().notNull(),
  /** The one member library the key acts for; null for all of them. */
  libraryId: uuid('library_id').references(() => libraries.id),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

/** People who sign in to the staff interface. The username is kept lower-cased: names are case-insensitive. */
export const staffUsers = pgTable('staff_users', {
  id: uuid('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  email: text('email'),
  role: text('role').$type<'admin' | 'staff' | 'read-only'>().notNull(),
  /** The one member library the user works for; null for all of them. */
  libraryId: uuid('library_id').references(() => libraries.id),
  /** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url): the cost travels with the hash, so it can be raised later. */
  passwordHash: text('password_hash').notNull(),
  /** Set by an admin's reset (a temporary password) and by a generated one; cleared by the user's own change. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
});

/** Signed-in sessions. Only the SHA-256 of the cookie's token is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    /** Last use written, at most once a minute; the idle expiry moves with it. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    idleExpiresAt: timestamp('idle_expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Absolute: no use extends a session past it. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId), index('staff_sessions_idle_idx').on(t.idleExpiresAt)],
);

/**
 * One-time codes for creating the first administrator, one per server start while no user
 * exists (hashed). Using one deletes them all, in the same transaction that makes the user.
 */
export const setupCodes = pgTable('setup_codes', {
  codeHash: text('code_hash').primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Sessions of signed-in patrons: apart from staff sessions (own table, own cookie, short
 * lifetimes). The cookie carries 256 random bits; the table keeps only their SHA-256.
 */
export const patronSessions = pgTable(
  'patron_sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    libraryId: uuid('library_id')
      .notNull()
      .references(() => libraries.id, { onDelete: 'cascade' }),
    /** The patron's id: the ILS's user id (card sign-in), or the e-mail address (link sign-in). */
    patronId: text('patron_id').notNull(),
    /** How they signed in: `ils` (card and PIN through NCIP LookupUser) or `email` (a one-time link). */
    method: text('method').$type<'ils' | 'email'>().notNull(),
    /** What the ILS told at sign-in (name, e-mail, blocks), so pages need not ask it again on every call. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    idleExpiresAt: timestamp('idle_expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('patron_sessions_patron_idx').on(t.libraryId, t.patronId), index('patron_sessions_idle_idx').on(t.idleExpiresAt)],
);

/** One-time sign-in links mailed to patrons of libraries without NCIP; only the token's SHA-256 is kept. */
export const patronSignInLinks = pgTable('patron_sign_in_links', {
  tokenHash: text('token_hash').primaryKey(),
  libraryId: uuid('library_id')
    .notNull()
    .references(() => libraries.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** Set when the link is used: a link signs in once. */
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
});

/**
 * Failed patron sign-ins (wrong PINs, unknown cards) and mailed sign-in links, counted per limit
 * window (`kind`: which limit) and key (a digest of the card, address or mailbox, never the value
 * itself), in the database so every instance behind a load balancer counts the same attempts.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
    /** When the window that began at the key's first attempt ends; a later attempt starts a new one. */
    resetAt: timestamp('reset_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index('sign_in_attempts_reset_idx').on(t.resetAt)],
);

/**
 * Keys the server makes for itself on first use and keeps here, so that every instance on the
 * same database signs alike and a restart does not invalidate what was signed (status links).
 */
export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  /** base64url of 32 random bytes. */
  secret: text('secret').notNull(),
  createdAt: createdAt(),
});

export const schema = { libraries, partners, requests, requestEvents, protocolMessages, deliveryFailures, outbox, notifications, apiKeys, staffUsers, staffSessions, setupCodes, patronSessions, patronSignInLinks, signInAttempts, serverKeys };
