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
