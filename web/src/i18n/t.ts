/**
 * Every English word the interface shows comes from one catalogue (en.ts), so a translation is
 * one more file of the same shape. `{name}` in a message is filled from vars.
 */
import { en, type MessageKey } from './en';

const catalogue: Readonly<Record<string, string>> = en;

export function t(key: MessageKey, vars: Readonly<Record<string, string | number>> = {}): string {
  return catalogue[key]!.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A message looked up by a key made at run time (a state or action name); the key itself when there is none. */
export function tOr(key: string, fallback: string = key): string {
  return catalogue[key] ?? fallback;
}
