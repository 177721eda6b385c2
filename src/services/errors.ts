/**
 * Errors a use case can end with. Each is translated to the outside in exactly one place:
 * problem+json for the staff API (src/http/problem.ts), a protocol answer for ISO 18626/NCIP.
 */
export class NotFound extends Error {
  constructor(readonly what: string, readonly id: string) {
    super(`${what} ${id} was not found`);
    this.name = 'NotFound';
  }
}

/** Someone changed the thing first (optimistic lock), or it already exists. */
export class Conflict extends Error {
  constructor(message: string, readonly current?: unknown) {
    super(message);
    this.name = 'Conflict';
  }
}

export class Forbidden extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Forbidden';
  }
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class ValidationFailed extends Error {
  constructor(readonly fields: readonly FieldProblem[], message = 'The request body is not valid') {
    super(message);
    this.name = 'ValidationFailed';
  }
}

/** No API key, or one that is unknown or revoked (answered 401 with a Bearer challenge). */
export class Unauthenticated extends Error {
  constructor(message: string, readonly presented: boolean) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** Too many failed attempts from one client; it may try again after `retryAfterSeconds`. */
export class TooManyAttempts extends Error {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyAttempts';
  }
}
