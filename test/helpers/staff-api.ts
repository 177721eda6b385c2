/**
 * The staff API on a fresh database, with two member libraries and a key of every kind, for
 * supertest. Each call gets its own database and its own auth-failure counter.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createApp } from '../../src/http/app';
import { apiRouter, type ApiOptions } from '../../src/http/api';
import { createApiKey } from '../../src/services/access/api-keys';
import type { RoutingSettings } from '../../src/services/borrowing/routing';
import type { LifecycleDeps } from '../../src/services/pipeline/pipeline';
import { insertLibrary } from '../../src/store/libraries';
import { freshDatabase, type TestDatabase } from './db';

export const LIBRARY_A = 'ISIL:DK-100';
export const LIBRARY_B = 'ISIL:DK-200';

export interface StaffApi {
  readonly app: ReturnType<typeof createApp>;
  readonly database: TestDatabase;
  readonly deps: LifecycleDeps;
  readonly libraryIds: { readonly a: string; readonly b: string };
  /** `Authorization` header values. */
  readonly keys: {
    readonly admin: string;
    readonly adminA: string;
    readonly staff: string;
    readonly staffA: string;
    readonly staffB: string;
    readonly readOnly: string;
  };
  readonly keyIds: Readonly<Record<string, string>>;
}

/** `now`: the clock the use cases read (session expiry tests drive it); `publicUrl`: PUBLIC_URL (status links in notice previews). */
export async function startStaffApi(options: ApiOptions & { readonly now?: () => Date; readonly routing?: RoutingSettings; readonly publicUrl?: string } = {}): Promise<StaffApi> {
  const database = await freshDatabase();
  const { now = () => new Date(), routing, publicUrl, ...apiOptions } = options;
  const deps: LifecycleDeps = { db: database.db, directory: database.directory, now, newId: randomUUID, supplierTimeoutMs: 3600_000, ...(routing ? { routing } : {}) };
  const app = appOn(deps, publicUrl, apiOptions);
  const a = randomUUID();
  const b = randomUUID();
  await insertLibrary(database.db, { id: a, symbol: LIBRARY_A, name: 'Main Library', settings: {} });
  await insertLibrary(database.db, { id: b, symbol: LIBRARY_B, name: 'Branch Library', settings: {} });
  const make = async (name: string, role: string, library?: string) => createApiKey(deps, { name, role, ...(library ? { library } : {}) });
  const made = {
    admin: await make('admin', 'admin'),
    adminA: await make('admin of A', 'admin', LIBRARY_A),
    staff: await make('staff of all', 'staff'),
    staffA: await make('staff of A', 'staff', LIBRARY_A),
    staffB: await make('staff of B', 'staff', LIBRARY_B),
    readOnly: await make('reporting', 'read-only'),
  };
  const bearer = (k: { key: string }) => `Bearer ${k.key}`;
  return {
    app,
    database,
    deps,
    libraryIds: { a, b },
    keys: {
      admin: bearer(made.admin),
      adminA: bearer(made.adminA),
      staff: bearer(made.staff),
      staffA: bearer(made.staffA),
      staffB: bearer(made.staffB),
      readOnly: bearer(made.readOnly),
    },
    keyIds: Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.id])),
  };
}

function appOn(deps: LifecycleDeps, publicUrl: string | undefined, options: ApiOptions): StaffApi['app'] {
  return createApp({ log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), bodyLimit: 64 * 1024, health: {}, routers: [apiRouter({ ...deps, ...(publicUrl ? { publicUrl } : {}) }, { checkAnswers: true, ...options })] });
}

/** A second server on the same database, as another instance behind a load balancer (its own in-memory state). */
export function anotherServer(api: StaffApi, options: ApiOptions = {}): StaffApi['app'] {
  return appOn(api.deps, undefined, options);
}

/** A borrowing request body as a staff member fills it in. */
export function borrowing(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serviceType: 'Loan',
    bibliographic: { title: 'The Left Hand of Darkness', author: 'Le Guin, Ursula K.', isbn: '978-0-441-47812-5' },
    patron: { id: 'P-1001', name: 'Ada Lovelace' },
    pickupLocation: 'MAIN',
    ...overrides,
  };
}
