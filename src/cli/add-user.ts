/**
 * `npm run add-user -- --username <name> --display-name <name> --role admin|staff|read-only
 * [--library <symbol>] [--email <address>]`: makes a staff user in the database the server uses.
 * The password is read from stdin when one is piped in (`printf '%s' "$PW" | npm run add-user ...`),
 * otherwise one is generated, printed this once on stdout, and must be changed at first sign-in.
 * With the embedded database and the server running, the server makes the user (store-access.ts).
 */
import { generatePassword } from '../services/access/passwords';
import { cliConfig, EXIT, parseArgs, runAsMain, type CliIo } from './io';
import { runOrSayRefused } from './store-access';

const USAGE = 'usage: npm run add-user -- --username <name> --display-name <name> --role admin|staff|read-only [--library <symbol>] [--email <address>]  (password on stdin, or one is generated)';

export async function addUser(io: CliIo): Promise<number> {
  const args = parseArgs(io.argv, ['--username', '--display-name', '--role', '--library', '--email']);
  if (typeof args === 'string' || args.rest.length > 0) {
    io.stderr(`${typeof args === 'string' ? args : `${args.rest[0]}: not understood`}\n${USAGE}`);
    return EXIT.usage;
  }
  const { username, 'display-name': displayName, role, library, email } = args.flags;
  if (!username || !displayName || !role) {
    io.stderr(`--username, --display-name and --role are needed\n${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (typeof config === 'number') return config;
  // Only the first line: `echo` adds a newline that is not part of the password.
  const piped = (await io.stdin?.())?.split(/\r?\n/)[0] || undefined;
  const generated = piped === undefined ? generatePassword() : undefined;
  const password = piped ?? generated!;
  const work = await runOrSayRefused(
    config,
    { op: 'create-user', username, displayName, role, ...(library ? { library } : {}), ...(email ? { email } : {}), password, mustChangePassword: generated !== undefined },
    'add-user',
    io.stderr,
  );
  if (!work) return EXIT.refused;
  const { reply } = work;
  if (reply.ok && reply.op === 'create-user') {
    if (generated) io.stdout(generated);
    io.stderr(
      `User ${reply.username} (${reply.id}, ${reply.role}, ${reply.library ?? 'all libraries'}) made${work.via === 'server' ? ' by the running server' : ''}.` +
        (generated ? ' The password above is shown this once; it must be changed at the first sign-in.' : ' The password is the one read from stdin.'),
    );
    return EXIT.done;
  }
  if (!reply.ok && reply.error === 'validation') {
    io.stderr(reply.fields.map((f) => `${f.path === 'password' ? 'password (stdin)' : `--${f.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`}: ${f.message}`).join('\n'));
    return EXIT.usage;
  }
  io.stderr(`add-user: ${!reply.ok && 'message' in reply ? reply.message : 'unexpected answer'}`);
  return EXIT.refused;
}

if (require.main === module) runAsMain('add-user', addUser);
