/**
 * Secrets in stored settings (partner auth, NCIP credentials) never leave the server in clear:
 * reads show a mask, and an update that sends the mask back keeps the stored secret, so a client
 * can read, edit one field and write the whole object again.
 */
import { timingSafeEqual } from 'node:crypto';
import { ValidationFailed, type FieldProblem } from '../errors';

/** Compares a shared secret in constant time, so a caller cannot learn it character by character. */
export function sameSecret(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const SECRET_MASK = '********';

/** A path to a secret; `*` stands for every key of an object (e.g. all HTTP header values). */
export type SecretPath = readonly string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mapAt(value: unknown, path: SecretPath, fn: (leaf: unknown, at: readonly string[]) => unknown, at: readonly string[] = []): unknown {
  if (path.length === 0) return fn(value, at);
  if (!isRecord(value)) return value;
  const [head, ...rest] = path;
  const copy: Record<string, unknown> = { ...value };
  for (const key of head === '*' ? Object.keys(copy) : [head!]) {
    if (Object.hasOwn(copy, key)) copy[key] = mapAt(copy[key], rest, fn, [...at, key]);
  }
  return copy;
}

function valueAt(value: unknown, at: readonly string[]): unknown {
  let current = value;
  for (const key of at) current = isRecord(current) ? current[key] : undefined;
  return current;
}

export function maskSecrets<T>(value: T, paths: readonly SecretPath[]): T {
  let masked: unknown = value;
  for (const path of paths) masked = mapAt(masked, path, (leaf) => (typeof leaf === 'string' && leaf !== '' ? SECRET_MASK : leaf));
  return masked as T;
}

/**
 * Puts the stored secret back wherever the input holds the mask. A mask with no stored secret
 * behind it is an error at that field (`prefix` names where the object sits in the body).
 */
export function keepMaskedSecrets<T>(input: T, stored: unknown, paths: readonly SecretPath[], prefix: string): T {
  const problems: FieldProblem[] = [];
  let result: unknown = input;
  for (const path of paths) {
    result = mapAt(result, path, (leaf, at) => {
      if (leaf !== SECRET_MASK) return leaf;
      const kept = valueAt(stored, at);
      if (typeof kept !== 'string') problems.push({ path: [prefix, ...at].join('.'), message: `is the mask "${SECRET_MASK}" but no secret is stored here; send the secret itself` });
      return kept;
    });
  }
  if (problems.length > 0) throw new ValidationFailed(problems);
  return result as T;
}
