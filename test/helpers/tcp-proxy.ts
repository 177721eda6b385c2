/**
 * A loopback TCP proxy between the app and its PostgreSQL server that a test can cut: what a
 * restart or a network failure looks like to the app, without touching the shared server.
 *
 *   hold()    bytes from the app are dropped (queries hang in flight), connections stay open
 *   sever()   every connection is cut and new ones are refused, until
 *   restore() connections are accepted and forwarded again, on the same port
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Chunks the app sent while held (each one a query or part of one, stuck in flight). */
  readonly heldChunks: number;
  /** The local ports of the proxy's connections to the server (`client_port` in pg_stat_activity). */
  upstreamPorts(): number[];
  hold(): void;
  sever(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  readonly app: Socket;
  readonly db: Socket;
  broken: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let holding = false;
  let heldChunks = 0;
  const server: Server = createServer((app) => {
    const db = connect(target.port, target.host);
    const pair: Pair = { app, db, broken: false };
    pairs.add(pair);
    app.on('data', (chunk) => {
      if (!holding) return void db.write(chunk);
      // Dropped, not delayed: the connection's byte stream is broken for good (see restore).
      heldChunks++;
      pair.broken = true;
    });
    db.on('data', (chunk) => app.write(chunk));
    const end = () => {
      pairs.delete(pair);
      app.destroy();
      db.destroy();
    };
    for (const socket of [app, db]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const cut = (pair: Pair) => {
    // A reset, as when the server process dies, rather than an orderly close.
    pair.app.resetAndDestroy();
    pair.db.destroy();
    pairs.delete(pair);
  };
  const cutAll = () => {
    for (const pair of [...pairs]) cut(pair);
  };

  return {
    port,
    get heldChunks() {
      return heldChunks;
    },
    upstreamPorts: () => [...pairs].map((p) => p.db.localPort).filter((port): port is number => port !== undefined),
    hold: () => {
      holding = true;
    },
    sever: async () => {
      const closed = stopListening();
      cutAll();
      await closed;
    },
    restore: async () => {
      holding = false;
      heldChunks = 0;
      for (const pair of [...pairs]) if (pair.broken) cut(pair);
      if (!server.listening) await listen(port);
    },
    close: async () => {
      const closed = stopListening();
      cutAll();
      await closed;
    },
  };
}

/** The same URL, through the proxy. */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
