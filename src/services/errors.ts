/**
 * Errors a use case can end with. Each is translated to the outside in exactly one place:
 * problem+json for the staff API (src/http/problem.ts), a protocol answer for ISO 18626/NCIP.
 */

/**
 * Why a patron route refused, in a word the patron web app looks up in its own message
 * catalogue (the problem body's `code` member): the English `detail` is for people reading the
 * API, the patron reads their own language.
 */
export const PROBLEM_CODES = [
  'wrong_card',
  'blocked',
  'limit_open',
  'limit_rate',
  'not_allowed_domain',
  'link_invalid',
  'link_expired',
  'sign_in_unavailable',
  'not_cancellable',
  'not_renewable',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export class NotFound extends Error {
  constructor(readonly what: string, readonly id: string) {
    super(`${what} ${id} was not found`);
    this.name = 'NotFound';
  }
}

/** Someone changed the thing first (optimistic lock), or it already exists. */
export class Conflict extends Error {
  constructor(
    message: string,
    readonly current?: unknown,
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'Conflict';
  }
}

export class Forbidden extends Error {
  constructor(
    message: string,
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'Forbidden';
  }
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class ValidationFailed extends Error {
  constructor(
    readonly fields: readonly FieldProblem[],
    message = 'The request body is not valid',
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'ValidationFailed';
  }
}

/** No API key, or one that is unknown or revoked (answered 401 with a Bearer challenge). */
export class Unauthenticated extends Error {
  constructor(
    message: string,
    readonly presented: boolean,
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** Too many failed attempts from one client; it may try again after `retryAfterSeconds`. */
export class TooManyAttempts extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'TooManyAttempts';
  }
}

/** Something this server depends on (a library's ILS) does not answer now; worth trying again later. */
export class ServiceUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'ServiceUnavailable';
  }
}
