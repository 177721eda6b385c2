/**
 * Every server measured runs in a child process of its own (this file, forked with its spec):
 * on 2 cores, a load generator sharing the server's event loop would measure itself. The child
 * tells the parent its URL, answers questions about itself (its memory), and stops when asked,
 * or when the parent is gone. BENCH_CPU_PROF=<folder>: every server writes a CPU profile there
 * (node --cpu-prof) when it stops, for Chrome DevTools or speedscope.
 */
import { fork } from 'node:child_process';
import { resolve as absolutePath } from 'node:path';
import { startServer, type Ready, type ServerSpec } from './servers';

export interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly apiKey?: string;
  /** The child's memory, after a full garbage collection when it was started with `exposeGc`. */
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

let profiled = 0;
const profileName = (spec: ServerSpec) => (spec.kind === 'full' ? `full-${spec.name}` : spec.kind);

type FromChild = { readonly ready: Ready } | { readonly memory: Memory };

export interface ChildOptions {
  /** Start node with --expose-gc, so that memory() measures what is still referenced. */
  readonly exposeGc?: boolean;
}

export function startServerProcess(spec: ServerSpec, options: ChildOptions = {}): Promise<ServerProcess> {
  const profiles = process.env.BENCH_CPU_PROF;
  const child = fork(__filename, ['--serve', JSON.stringify(spec)], {
    execArgv: [...(options.exposeGc ? ['--expose-gc'] : []), ...(profiles ? ['--cpu-prof', `--cpu-prof-dir=${absolutePath(profiles)}`, `--cpu-prof-name=${profileName(spec)}-${++profiled}.cpuprofile`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  /** Idempotent: a benchmark stops a server when done with it, and its cleanup stops it again. */
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    })());
  const memory = () =>
    new Promise<Memory>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (!('memory' in m)) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(m.memory);
      };
      const onExit = () => reject(new Error(`the ${spec.kind} server exited`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send('memory');
    });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the ${spec.kind} server exited with code ${code} before it was ready`));
    child.once('message', (m: FromChild) => {
      child.off('exit', onExit);
      if ('ready' in m) resolve({ ...m.ready, memory, stop });
    });
    child.once('exit', onExit);
  });
}

async function serve(spec: ServerSpec): Promise<void> {
  const running = await startServer(spec);
  const send = (m: FromChild) => process.send!(m);
  const shutdown = () => void running.stop().finally(() => process.exit(0));
  process.on('message', async (m) => {
    if (m === 'stop') shutdown();
    if (m === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      // Twice, with a turn between: the first pass queues finalizers that free more on the second.
      gc?.();
      await new Promise((r) => setTimeout(r, 100));
      gc?.();
      const { rss, heapUsed, external } = process.memoryUsage();
      send({ memory: { rss, heapUsed, external } });
    }
  });
  process.on('disconnect', shutdown); // the parent died: don't linger
  process.on('SIGINT', () => {}); // Ctrl-C reaches the whole group: the parent stops us in order
  send({ ready: running.ready });
}

if (process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3]!) as ServerSpec).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
