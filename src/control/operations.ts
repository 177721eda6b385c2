/**
 * What a command-line tool can ask of the store: the closed list of operations, run the same
 * way by the server (for a request on its control channel) and by the tool itself (when no
 * server holds the store). A reply is data, so it crosses the socket unchanged.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { createApiKey } from '../services/access/api-keys';
import type { ServiceDeps } from '../services/deps';
import { createStaffUser } from '../services/access/staff-users';
import { Conflict, ValidationFailed } from '../services/errors';
import { BackupRefused, type BackupHeader } from '../store/backup-file';
import type { Database } from '../store/db';

export const controlRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create-api-key'), name: z.string(), role: z.string(), library: z.string().optional() }).strict(),
  z.object({ op: z.literal('create-user'), username: z.string(), displayName: z.string(), role: z.string(), library: z.string().optional(), email: z.string().optional(), password: z.string(), mustChangePassword: z.boolean() }).strict(),
  z.object({ op: z.literal('backup'), file: z.string().refine(isAbsolute, 'must be an absolute path') }).strict(),
]);

export type ControlRequest = z.output<typeof controlRequestSchema>;

export type ControlReply =
  | { readonly ok: true; readonly op: 'create-api-key'; readonly key: string; readonly id: string; readonly role: string; readonly library: string | null }
  | { readonly ok: true; readonly op: 'create-user'; readonly id: string; readonly username: string; readonly role: string; readonly library: string | null }
  | { readonly ok: true; readonly op: 'backup'; readonly file: string; readonly bytes: number; readonly header: BackupHeader }
  | { readonly ok: false; readonly error: 'validation'; readonly fields: readonly { readonly path: string; readonly message: string }[] }
  | { readonly ok: false; readonly error: 'refused' | 'failed'; readonly message: string };

export interface ControlDeps extends ServiceDeps {
  readonly database: Database;
  /** Who does the work, as a backup records it: "the running server (pid 12)". */
  readonly performer: string;
}

export async function performControl(deps: ControlDeps, raw: unknown): Promise<ControlReply> {
  const parsed = controlRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'refused', message: `not a control request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}` };
  const request = parsed.data;
  try {
    switch (request.op) {
      case 'create-api-key': {
        const made = await createApiKey(deps, { name: request.name, role: request.role, ...(request.library ? { library: request.library } : {}) });
        return { ok: true, op: request.op, key: made.key, id: made.id, role: made.role, library: made.library };
      }
      case 'create-user': {
        const { op: _op, mustChangePassword, ...user } = request;
        const made = await createStaffUser(deps, user, { mustChangePassword });
        return { ok: true, op: request.op, id: made.id, username: made.username, role: made.role, library: made.library };
      }
      case 'backup': {
        const summary = await deps.database.backup(request.file, deps.performer);
        return { ok: true, op: request.op, file: summary.file, bytes: summary.bytes, header: summary.header };
      }
    }
  } catch (err) {
    if (err instanceof ValidationFailed) return { ok: false, error: 'validation', fields: err.fields };
    if (err instanceof Conflict) return { ok: false, error: 'refused', message: err.message };
    if (err instanceof BackupRefused) return { ok: false, error: 'refused', message: err.message };
    return { ok: false, error: 'failed', message: (err as Error).message };
  }
}
