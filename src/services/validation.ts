/** Shared by the use cases that validate staff input with zod. */
import type { z } from 'zod';
import { ValidationFailed } from './errors';

/** zod issues as the field list of a problem+json answer; `prefix` names where the input sits. */
export function fieldProblems(error: z.ZodError, prefix?: string): ValidationFailed {
  return new ValidationFailed(error.issues.map((i) => ({ path: [...(prefix ? [prefix] : []), ...i.path.map(String)].join('.') || '(body)', message: i.message })));
}

/**
 * A partial update keeps only the fields the client sent: zod fills defaults in even for an
 * optional field, and an update must not reset what it did not mention.
 */
export function onlyGiven<T extends object>(parsed: T, input: unknown): Partial<T> {
  const given = input !== null && typeof input === 'object' ? input : {};
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => Object.hasOwn(given, key))) as Partial<T>;
}
