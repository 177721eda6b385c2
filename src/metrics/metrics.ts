/**
 * The server's Prometheus instruments, one registry per running service (two servers in one
 * test process keep their own counts). Counters and histograms are told by the code where each
 * thing happens, through `Metrics`; gauges are read from the store and Redis at each scrape
 * (collectors.ts). Every label is bounded here (labels.ts), whatever a caller passes.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { MESSAGE_KINDS } from '../../protocols/iso18626';
import { BROKER_STATE_NAMES } from '../domain/broker-states';
import { REQUESTER_STATE_NAMES } from '../domain/requester-states';
import { SUPPLIER_STATE_NAMES } from '../domain/supplier-states';
import { PATRON_NOTICES } from '../domain/types';
import { JOBS } from '../jobs';
import { errorTypeLabel, oneOf } from './labels';

export type RequestRole = 'requester' | 'supplier' | 'broker';
export type Direction = 'in' | 'out';

const STATES: Readonly<Record<RequestRole, readonly string[]>> = { requester: REQUESTER_STATE_NAMES, supplier: SUPPLIER_STATE_NAMES, broker: BROKER_STATE_NAMES };
/** The `from` of a request's first state. */
export const NO_STATE = 'none';

/** in: our answer to a partner's message; out: what became of ours. */
export const ISO18626_STATUSES = { in: ['answered', 'rejected', 'duplicate'], out: ['confirmed', 'refused', 'failed'] } as const;

/**
 * Why a delivery did not reach its partner: the transient reasons of src/iso18626/client.ts
 * (retried), a final refusal (an HTTP 4xx, an ERROR confirmation), or nowhere to send it.
 */
export const DELIVERY_FAILURE_KINDS = ['timeout', 'connection', 'http-status', 'not-a-confirmation', 'receiver-failure', 'refused-http-status', 'error-confirmation', 'no-recipient'] as const;
export type DeliveryFailureKind = (typeof DELIVERY_FAILURE_KINDS)[number];

export const TURNAROUND_INTERVALS = ['request_to_shipped', 'request_to_received'] as const;
export type TurnaroundInterval = (typeof TURNAROUND_INTERVALS)[number];

/** ILL turnaround runs from hours to weeks: 1 h, 4 h, 12 h, 1, 2, 3, 5, 7, 10, 14, 21, 28, 42 days. */
export const TURNAROUND_BUCKETS = [1, 4, 12, 24, 48, 72, 120, 168, 240, 336, 504, 672, 1008].map((hours) => hours * 3600);
/** A job is a database write and perhaps one HTTP or SMTP exchange: milliseconds to a timeout. */
export const JOB_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const NCIP_OUTCOMES = { in: ['answered', 'rejected'], out: ['ok', 'refused', 'transient'] } as const;
/** Why a patron got no mail (services/notices/notices.ts names one for each skip). */
export const MAIL_SKIP_REASONS = [
  'not_borrowing',
  'no_library',
  'invalid_settings',
  'notice_off',
  'not_on_loan',
  'due_date_changed',
  'patron_opted_out',
  'no_address',
  'invalid_address',
  'address_refused',
  'message_refused',
] as const;
export type MailSkipReason = (typeof MAIL_SKIP_REASONS)[number];

const JOB_NAMES: readonly string[] = Object.values(JOBS);

/** What the code that does the work tells; each call bounds its labels. */
export interface Metrics {
  /** A request moved from one state to another (`from` null: its first state). */
  transition(role: RequestRole, from: string | null, to: string): void;
  /** A borrowing request reached a turnaround milestone, `seconds` after it was created. */
  turnaround(interval: TurnaroundInterval, lender: string, seconds: number): void;
  /** An ISO 18626 message received and answered, or sent and answered (or not). `partner`: from partnerLabel. */
  iso18626Message(direction: Direction, partner: string, messageType: string | undefined, status: string): void;
  /** An ERROR confirmation: ours to a partner (in), or a partner's to us (out). */
  confirmationError(direction: Direction, partner: string, errorType: string | undefined): void;
  deliveryFailure(partner: string, kind: DeliveryFailureKind): void;
  ncipCall(direction: Direction, service: string | undefined, outcome: string): void;
  mailSent(notice: string): void;
  mailSkipped(notice: string, reason: MailSkipReason): void;
  /** One run of a queue job, from its handler's start to its end. */
  job(name: string, outcome: 'done' | 'failed', seconds: number): void;
}

export interface ServerMetrics {
  readonly registry: Registry;
  readonly record: Metrics;
}

export function createMetrics(registry: Registry = new Registry()): ServerMetrics {
  const registers = [registry];
  const transitions = new Counter({
    name: 'ill_state_transitions_total',
    help: 'Requests that moved from one state to another, by role (from="none": the first state of a new request)',
    labelNames: ['role', 'from', 'to'],
    registers,
  });
  const turnaround = new Histogram({
    name: 'ill_borrowing_turnaround_seconds',
    help: 'Borrowing requests: seconds from creation until the item shipped, and until it was received, by lender',
    labelNames: ['lender', 'interval'],
    buckets: TURNAROUND_BUCKETS,
    registers,
  });
  const messages = new Counter({
    name: 'ill_iso18626_messages_total',
    help: 'ISO 18626 messages: in (answered, rejected, duplicate) and out (confirmed, refused, failed attempt), by partner and message type',
    labelNames: ['direction', 'partner', 'message_type', 'status'],
    registers,
  });
  const confirmationErrors = new Counter({
    name: 'ill_iso18626_confirmation_errors_total',
    help: 'ERROR confirmations by errorType: ours to partners (in) and partners\u2019 to us (out)',
    labelNames: ['direction', 'partner', 'error_type'],
    registers,
  });
  const deliveryFailures = new Counter({
    name: 'ill_delivery_failures_total',
    help: 'ISO 18626 deliveries that did not reach their partner, by kind (timeout, connection, http-status, ... retried; refused-http-status, error-confirmation, no-recipient final)',
    labelNames: ['partner', 'kind'],
    registers,
  });
  const ncip = new Counter({
    name: 'ill_ncip_calls_total',
    help: 'NCIP: calls to member ILSs (out: ok, refused, transient) and messages from them (in: answered, rejected), by service',
    labelNames: ['direction', 'service', 'outcome'],
    registers,
  });
  const mailsSent = new Counter({ name: 'ill_patron_mails_sent_total', help: 'Patron notices handed to the mail server (or written as files)', labelNames: ['notice'], registers });
  const mailsSkipped = new Counter({ name: 'ill_patron_mails_skipped_total', help: 'Patron notices not sent, by reason', labelNames: ['notice', 'reason'], registers });
  const jobs = new Histogram({
    name: 'ill_job_duration_seconds',
    help: 'Queue jobs run by this process: seconds per run, by job name and outcome (failed: it is retried or dead)',
    labelNames: ['job', 'outcome'],
    buckets: JOB_DURATION_BUCKETS,
    registers,
  });

  const stateOf = (role: RequestRole, state: string | null) => (state === null ? NO_STATE : oneOf(state, STATES[role]));
  const record: Metrics = {
    transition: (role, from, to) => transitions.inc({ role, from: stateOf(role, from), to: stateOf(role, to) }),
    turnaround: (interval, lender, seconds) => turnaround.observe({ lender, interval }, Math.max(0, seconds)),
    iso18626Message: (direction, partner, messageType, status) =>
      messages.inc({ direction, partner, message_type: oneOf(messageType, MESSAGE_KINDS), status: oneOf(status, ISO18626_STATUSES[direction]) }),
    confirmationError: (direction, partner, errorType) => confirmationErrors.inc({ direction, partner, error_type: errorTypeLabel(errorType) }),
    deliveryFailure: (partner, kind) => deliveryFailures.inc({ partner, kind }),
    ncipCall: (direction, service, outcome) => ncip.inc({ direction, service: service ?? 'unreadable', outcome: oneOf(outcome, NCIP_OUTCOMES[direction]) }),
    mailSent: (notice) => mailsSent.inc({ notice: oneOf(notice, PATRON_NOTICES) }),
    mailSkipped: (notice, reason) => mailsSkipped.inc({ notice: oneOf(notice, PATRON_NOTICES), reason }),
    job: (name, outcome, seconds) => jobs.observe({ job: oneOf(name, JOB_NAMES), outcome }, seconds),
  };
  return { registry, record };
}
