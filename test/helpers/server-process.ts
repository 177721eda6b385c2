/**
 * The server as its own process, exactly what `npm start` runs (`node dist/src/main.js`), the
 * queue workers alone as `npm run workers` runs them, and the command-line tools the same way
 * (`node dist/src/cli/<tool>.js`). `npm test` builds dist/ first. The environment is built from
 * scratch: only what a test gives, so nothing of the developer's own settings leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../workers/redis-server';

const ROOT = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 60_000;

function entry(path: string): string {
  const file = join(ROOT, 'dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the tests with \`npm test\`, which builds dist/ first`);
  return file;
}

/**
 * The run's Redis, on a database number of the test file's own: every server process uses the
 * queue prefix `ill`, so two files running at once must not share a Redis database.
 */
export function testRedisUrl(database: number): string {
  const base = process.env.REDIS_URL;
  if (!base) throw new Error('REDIS_URL is not set: the Jest global setup should have started a Redis');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

function processEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (or another signal), then its exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Starts the server on a free port; resolves once it says it listens, rejects if it exits first. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freeLoopbackPort());
  const started = await startUntil([], { HOST: '127.0.0.1', ...env, PORT: port }, /ILL broker listening on (\S+)/, 'the server');
  return { url: started.said[1]!, ...started.process };
}

export type WorkerProcess = Omit<ServerProcess, 'url'>;

/**
 * The queue workers as their own process, what `npm run workers` runs (`node dist/src/main.js
 * --workers`); resolves once its workers have started. It logs at info unless told otherwise:
 * that log line is how it says it runs.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  return (await startUntil(['--workers'], { LOG_LEVEL: 'info', ...env }, /"msg":"queue workers started"/, 'the worker process')).process;
}

/** Runs `node dist/src/main.js <args>` until its output matches `ready`; rejects if it exits first. */
async function startUntil(args: readonly string[], env: Record<string, string>, ready: RegExp, what: string): Promise<{ process: WorkerProcess; said: RegExpExecArray }> {
  const child = spawn(process.execPath, [entry('src/main.js'), ...args], { env: processEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = exitOf(child);
  const said = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match);
    };
    child.stdout!.on('data', onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${exit.code ?? exit.signal}) before it started:\n${output}`));
    });
  });
  return {
    said,
    process: {
      pid: child.pid!,
      output: () => output,
      stop: (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    },
  };
}

export interface Finished extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/<path>` to its end (a server that must refuse, or a command-line tool); one
 * still running after `timeoutMs` is killed, and its exit says SIGKILL.
 */
export function runProcess(path: string, args: readonly string[], env: Record<string, string>, timeoutMs = 60_000, stdin?: string): Promise<Finished> {
  const child = spawn(process.execPath, [entry(path), ...args], { env: processEnv(env), stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return exitOf(child).then((exit) => {
    clearTimeout(timer);
    return { ...exit, stdout, stderr };
  });
}

/** `npm run <tool>` without the build step: `node dist/src/cli/<tool>.js`; `stdin` is piped in. */
export function runTool(tool: 'admin-key' | 'add-user' | 'backup' | 'restore', args: readonly string[], env: Record<string, string>, stdin?: string): Promise<Finished> {
  return runProcess(`src/cli/${tool}.js`, args, env, 60_000, stdin);
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** The one member library the process-level tests borrow for (DIRECTORY_FILE loads it at every start). */
export const MEMBER = 'ISIL:DK-100';

/** Writes the directory file into `dir` and returns its path. */
export function memberDirectoryFile(dir: string): string {
  const file = join(dir, 'directory.yaml');
  writeFileSync(file, `libraries:\n  - { symbol: "${MEMBER}", name: Main Library }\n`);
  return file;
}

/** A borrowing request made by staff over HTTP; the id when the server answered 201. */
export async function createBorrowing(url: string, key: string, title = 'The Dispossessed'): Promise<string> {
  const res = await fetch(`${url}/api/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ library: MEMBER, serviceType: 'Loan', bibliographic: { title }, patron: { id: 'P-1', name: 'Ada' }, pickupLocation: 'MAIN' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/v1/requests answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** The HTTP status of GET /api/v1/requests/{id}. */
export async function requestStatus(url: string, key: string, id: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/requests/${id}`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}
