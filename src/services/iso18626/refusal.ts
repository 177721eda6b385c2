import type { ErrorType } from '../../../protocols/iso18626';

/**
 * A partner's message refused for a business reason (unknown sender, unknown request, ...): it is
 * answered with an ERROR confirmation carrying `errorType`, and nothing is changed.
 */
export class Iso18626Refusal extends Error {
  constructor(
    readonly errorType: ErrorType,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'Iso18626Refusal';
  }
}
