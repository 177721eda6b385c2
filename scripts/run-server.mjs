// Runs the built server (`dist/src/main.js`) as a child and passes shutdown signals on: the
// last step of `npm start` and `npm run workers`, kept apart so tests run it without a build.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function runServer(args) {
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js'), ...args], { stdio: 'inherit', cwd: root });
  // Passed on for when only this process is signalled (`kill <pid>`). A terminal's Ctrl-C or
  // systemd reaches the server directly as well; it treats the repeat as the same shutdown
  // (src/shutdown.ts), so forwarding never cuts the graceful path short.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runServer(process.argv.slice(2));
