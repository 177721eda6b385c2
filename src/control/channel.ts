/**
 * The local control channel of a server that holds the embedded database: a Unix domain socket
 * `DATA_DIR/control.sock`, mode 0600 (only the server's user can connect), one JSON line per
 * request and one JSON line back. Command-line tools use it to do their work through the
 * running server instead of opening a second copy of the database (see data-lock.ts).
 */
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';

export function controlSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'control.sock');
}

export interface ControlChannel {
  readonly path: string;
  close(): Promise<void>;
}

/** A request line may be this long at most; every request we know is far shorter. */
const MAX_LINE = 64 * 1024;

export async function serveControlChannel(path: string, handle: (request: unknown) => Promise<unknown>): Promise<ControlChannel> {
  await removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    readLine(socket, (line) => {
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        request = undefined;
      }
      void handle(request).then(
        (reply) => socket.end(`${JSON.stringify(reply)}\n`),
        () => socket.destroy(),
      );
    });
  });
  // Created 0600 from the start (the umask covers the moment between bind and chmod).
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(path, () => {
        server.off('error', fail);
        ok();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => ok()); // also removes the socket file
      }),
  };
}

/**
 * Sends one request; undefined when no server listens there (no socket file, or one left by a
 * server that died). A server that accepts but does not answer in time is an error.
 */
export function callControlChannel(path: string, request: unknown, timeoutMs: number): Promise<unknown> {
  return new Promise((ok, fail) => {
    const socket = createConnection(path);
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`the server did not answer on ${path} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!answered && ['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(err.code ?? '')) ok(undefined);
      else fail(err);
    });
    socket.once('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    readLine(socket, (line) => {
      answered = true;
      clearTimeout(timer);
      socket.end();
      try {
        ok(JSON.parse(line));
      } catch {
        fail(new Error(`the server answered something that is not JSON on ${path}`));
      }
    });
    socket.once('end', () => {
      if (answered) return;
      clearTimeout(timer);
      fail(new Error(`the server closed ${path} without an answer`));
    });
  });
}

function readLine(socket: Socket, onLine: (line: string) => void): void {
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const end = buffer.indexOf('\n');
    if (end >= 0) {
      socket.off('data', onData);
      onLine(buffer.slice(0, end));
    } else if (buffer.length > MAX_LINE) socket.destroy();
  };
  socket.on('data', onData);
}

/** A socket file nobody listens on is what a killed server leaves behind. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
  const reply = await new Promise<boolean>((ok) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      ok(true);
    });
    probe.once('error', () => ok(false));
  });
  if (reply) throw new Error(`another process already serves ${path}`);
  unlinkSync(path);
}
