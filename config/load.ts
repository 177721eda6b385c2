/**
 * Loads the configuration from defaults < config file < environment, and validates it once.
 * This is the only module that reads process.env for settings.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, ENV_KEYS, type Config } from './schema';

export type { Config } from './schema';

/** A configuration problem, worded for the person starting the server. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadSources {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON or YAML file; defaults to the CONFIG_FILE environment variable. */
  file?: string;
}

export function loadConfig(sources: LoadSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? (env.CONFIG_FILE?.trim() || undefined);
  const fromFile = file ? readConfigFile(file) : {};
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const unknown = Object.keys(fromFile).filter((k) => !(k in ENV_KEYS));
  if (unknown.length > 0) {
    throw new ConfigError(unknown.map((k) => `${file}: unknown key "${k}" (known keys: ${Object.keys(ENV_KEYS).join(', ')})`));
  }
  const result = configSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, fromEnv, file));
  const config = result.data;
  return { ...config, publicUrl: (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '') };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw new ConfigError([`CONFIG_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`CONFIG_FILE: ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`CONFIG_FILE: ${file} must hold an object of settings`]);
  return parsed as Record<string, unknown>;
}

const SECRET_KEYS = new Set(['databaseUrl', 'redisUrl', 'smtpUrl', 'metricsToken']);

/** One line per problem, naming the key the way the user set it (env name or file key). */
function describeIssues(issues: readonly z.core.$ZodIssue[], fromEnv: Record<string, string>, file: string | undefined): string[] {
  return issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const envName = ENV_KEYS[key as keyof Config];
    const where = key in fromEnv ? envName : file ? `${key} (in ${file})` : (envName ?? key);
    // URLs may carry passwords: never echo them back into a log.
    const given = key in fromEnv && !SECRET_KEYS.has(key) ? ` (got "${fromEnv[key]}")` : '';
    return `${where}: ${issue.message}${given}`;
  });
}
