// `npm start`: install what is missing, build, and run the server on embedded defaults.
// `npm run workers` (this script with --workers): run only the queue workers.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDependencies, ensureRedisServer, root } from './setup.mjs';

ensureDependencies();
ensureRedisServer();
build();

const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
// Pass shutdown signals on so the server can finish running work before it exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
