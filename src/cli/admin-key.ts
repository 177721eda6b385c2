/**
 * `npm run admin-key -- [--name <name>] [--role admin|staff|read-only] [--library <symbol>]`:
 * makes an API key in the database the server uses (same configuration) and prints it once.
 * This is how the first admin key comes to exist; later keys are made through the API. With
 * the embedded database and the server running, the server makes it (store-access.ts).
 */
import { cliConfig, EXIT, parseArgs, runAsMain, type CliIo } from './io';
import { runOrSayRefused } from './store-access';

const USAGE = 'usage: npm run admin-key -- [--name <name>] [--role admin|staff|read-only] [--library <symbol>]';

export async function createAdminKey(io: CliIo): Promise<number> {
  const args = parseArgs(io.argv, ['--name', '--role', '--library']);
  if (typeof args === 'string' || args.rest.length > 0) {
    io.stderr(`${typeof args === 'string' ? args : `${args.rest[0]}: not understood`}\n${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (typeof config === 'number') return config;
  const { name = 'bootstrap admin', role = 'admin', library } = args.flags;
  const work = await runOrSayRefused(config, { op: 'create-api-key', name, role, ...(library ? { library } : {}) }, 'admin-key', io.stderr);
  if (!work) return EXIT.refused;
  const { reply } = work;
  if (reply.ok && reply.op === 'create-api-key') {
    io.stdout(reply.key);
    io.stderr(
      `API key ${reply.id} (${reply.role}, ${reply.library ?? 'all libraries'}) made${work.via === 'server' ? ' by the running server' : ''}. ` +
        'It is shown this once; send it as "Authorization: Bearer <key>".',
    );
    return EXIT.done;
  }
  if (!reply.ok && reply.error === 'validation') {
    io.stderr(reply.fields.map((f) => `--${f.path}: ${f.message}`).join('\n'));
    return EXIT.usage;
  }
  io.stderr(`admin-key: ${!reply.ok && 'message' in reply ? reply.message : 'unexpected answer'}`);
  return EXIT.refused;
}

if (require.main === module) runAsMain('admin-key', createAdminKey);
