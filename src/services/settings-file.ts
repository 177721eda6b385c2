/**
 * Settings read from a JSON or YAML file at start (DIRECTORY_FILE, CATALOGUE_FILE): parsed by
 * its extension, checked with the schema its reader uses, and every problem reported with where
 * it is in the file (`libraries[2].settings.broker.mode`), so the person starting the server can
 * fix it without reading code.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ValidationFailed, type FieldProblem } from './errors';

/** `libraries[2].settings.broker.mode`: where a problem is, written as in the file. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('') || '(file)';
}

export function problemsOf(issue: z.core.$ZodIssue): FieldProblem[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'is not a known key' }));
  return [{ path: pathOf(issue.path), message: issue.message }];
}

/** `setting` names the file as the configuration does (DIRECTORY_FILE); `what` as a sentence does ("the directory file"). */
export function readSettingsFile<S extends z.ZodType>(path: string, schema: S, names: { readonly setting: string; readonly what: string }): z.output<S> {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ValidationFailed([{ path: names.setting, message: `${path} cannot be read: ${(err as Error).message.split('\n')[0]}` }], `${names.what} ${path} cannot be read`);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.flatMap(problemsOf), `${names.what} ${path} is not valid`);
  return parsed.data;
}
