/**
 * The staff API as a benchmark drives it: JSON over kept-alive loopback connections, with an
 * admin key. An action on a version that moved on (409) is taken again on the version the
 * answer names, as a staff client redraws and retries, as long as the action is still offered.
 */
import { Agent, request } from 'node:http';

export interface RequestView {
  readonly id: string;
  readonly state: string;
  readonly version: number;
  readonly requestingAgencyRequestId: string;
  readonly actions: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const TIMEOUT_MS = 60_000;
const MAX_TRIES = 5;

export class StaffApi {
  /** Actions taken again after a 409. */
  conflicts = 0;
  // Idle sockets are given up after 2 s, before the server's keep-alive timeout (5 s) closes them.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32, timeout: 2000 });

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async createRequest(body: Record<string, unknown>): Promise<RequestView> {
    const answer = await this.call('POST', '/requests', body);
    if (answer.status !== 201) throw new Error(`POST /requests answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
    return answer.body as RequestView;
  }

  async act(id: string, action: string, version: number, params?: Record<string, unknown>): Promise<RequestView> {
    for (let tries = 1; ; tries++) {
      const answer = await this.call('POST', `/requests/${id}/actions`, { action, version, ...(params ? { params } : {}) });
      if (answer.status === 200) return answer.body as RequestView;
      const current = (answer.body as { current?: { version: number; actions?: string[] } }).current;
      if (answer.status === 409 && current?.actions?.includes(action) && tries < MAX_TRIES) {
        this.conflicts++;
        version = current.version;
        continue;
      }
      throw new Error(`${action} on ${id} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * A kept-alive socket the server closed just as we reused it fails with ECONNRESET before the
   * request reached the server (Node's documented case for `reusedSocket`): safe to send again.
   */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    try {
      return await this.send(method, path, body);
    } catch (err) {
      if ((err as { staleSocket?: boolean }).staleSocket) return this.send(method, path, body);
      throw err;
    }
  }

  private send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        new URL(`/api/v1${path}`, this.url),
        {
          method,
          agent: this.agent,
          timeout: TIMEOUT_MS,
          headers: { authorization: `Bearer ${this.apiKey}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text for the error message
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { staleSocket: req.reusedSocket && err.code === 'ECONNRESET' })));
      req.end(payload);
    });
  }
}
