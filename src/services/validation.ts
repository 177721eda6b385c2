/** Shared by the use cases that validate staff input with zod. */
import type { z } from 'zod';
import { ValidationFailed, type FieldProblem } from './errors';

/** One problem per field; for query parameters an unknown one is a problem of its own, so the caller sees its name. */
function problemsOf(issue: z.core.$ZodIssue, query: boolean): { path: string[]; message: string }[] {
  const path = issue.path.map(String);
  if (query && issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'is not a query parameter of this route' }));
  return [{ path, message: issue.message }];
}

/**
 * zod issues as the field list of a problem+json answer; `prefix` names where the input sits
 * (`query` for query parameters: the detail then names the parameters, not "the body").
 */
export function fieldProblems(error: z.ZodError, prefix?: string): ValidationFailed {
  const problems = error.issues.flatMap((i) => problemsOf(i, prefix === 'query'));
  const fields: FieldProblem[] = problems.map((p) => ({ path: [...(prefix ? [prefix] : []), ...p.path].join('.') || '(body)', message: p.message }));
  if (prefix !== 'query') return new ValidationFailed(fields);
  return new ValidationFailed(fields, queryProblemDetail(problems.map((p) => p.path[0] ?? '(query)')));
}

/** "The query parameter state is not valid": the detail line of a problem answer about query parameters. */
export function queryProblemDetail(parameters: readonly string[]): string {
  const names = [...new Set(parameters)];
  return `The query parameter${names.length > 1 ? 's' : ''} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not valid`;
}

/**
 * A partial update keeps only the fields the client sent: zod fills defaults in even for an
 * optional field, and an update must not reset what it did not mention.
 */
export function onlyGiven<T extends object>(parsed: T, input: unknown): Partial<T> {
  const given = input !== null && typeof input === 'object' ? input : {};
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => Object.hasOwn(given, key))) as Partial<T>;
}
