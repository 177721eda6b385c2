/**
 * Process entry: `node dist/src/main.js` runs the server (with in-process workers by default);
 * `--workers` runs only the queue workers, as their own process.
 */
import { ConfigError, loadConfig, type Config } from '../config/load';
import { RedisBinaryMissing } from '../workers/redis-server';
import { createLogger } from './log';
import { metricsExposureProblem } from './metrics/exposure';
import { DataDirLocked } from './store/data-lock';
import { ValidationFailed } from './services/errors';
import { startService, type RunningService, type ServiceRole } from './server';
import { installShutdown } from './shutdown';

export const EXIT_CONFIG = 2;

interface Io {
  readonly env: NodeJS.ProcessEnv;
  readonly argv: readonly string[];
  readonly stderr: (line: string) => void;
  readonly stdout: (line: string) => void;
}

/** Validates what the process was given; returns the exit code for a refusal. */
export function checkStart(io: Io): { config: Config; role: ServiceRole } | { exitCode: number } {
  let config: Config;
  try {
    config = loadConfig({ env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(err.message);
      return { exitCode: EXIT_CONFIG };
    }
    throw err;
  }
  const role: ServiceRole = io.argv.includes('--workers') ? 'workers' : 'server';
  if (role === 'workers' && !config.databaseUrl) {
    io.stderr(
      'Invalid configuration:\n  - DATABASE_URL: a separate worker process needs a PostgreSQL server; the embedded ' +
        'PGlite database can be opened by one process only (keep WORKERS=inprocess for the embedded mode)',
    );
    return { exitCode: EXIT_CONFIG };
  }
  const exposed = role === 'server' ? metricsExposureProblem(config) : undefined;
  if (exposed) {
    io.stderr(`Invalid configuration:\n  - ${exposed}`);
    return { exitCode: EXIT_CONFIG };
  }
  return { config, role };
}

async function main(): Promise<void> {
  const io: Io = {
    env: process.env,
    argv: process.argv.slice(2),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stdout: (line) => process.stdout.write(`${line}\n`),
  };
  const checked = checkStart(io);
  if ('exitCode' in checked) {
    process.exitCode = checked.exitCode;
    return;
  }
  const { config, role } = checked;
  const log = createLogger(config.logLevel);
  // Installed before anything opens: a signal during start-up waits for the start, then stops.
  let started: Promise<RunningService | undefined> = Promise.resolve(undefined);
  installShutdown({ stop: async () => (await started)?.stop() }, log);
  started = startService(config, { role, log }).catch((err: unknown) => {
    if (err instanceof RedisBinaryMissing) io.stderr(err.message);
    else if (err instanceof DataDirLocked) io.stderr(`not started: ${err.message}; one server per DATA_DIR (stop that one first, or give this one another DATA_DIR)`);
    else if (err instanceof ValidationFailed) {
      // A bad directory file is a configuration mistake: same treatment as a bad setting.
      io.stderr(`${err.message}:\n${err.fields.map((f) => `  - ${f.path}: ${f.message}`).join('\n')}`);
      process.exitCode = EXIT_CONFIG;
      return undefined;
    } else log.fatal({ err }, 'could not start');
    process.exitCode = 1;
    return undefined;
  });
  const service = await started;
  if (service?.url) {
    log.info({ url: service.url, publicUrl: config.publicUrl }, 'ILL broker listening');
    io.stdout(`ILL broker listening on ${service.url} (health: ${service.url}/health/ready)`);
  }
}

if (require.main === module) void main();
