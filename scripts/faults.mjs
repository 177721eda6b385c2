// `npm run faults`: install what is missing, build, then run the fault-injection suite
// (test/faults/run.ts): real servers, PostgreSQL and Redis, each fault struck mid-batch.
// Arguments go to the suite (e.g. `npm run faults -- --only redis --json faults.json`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDependencies, ensureRedisServer, root } from './setup.mjs';

ensureDependencies();
ensureRedisServer();
build();

const child = spawn(process.execPath, [join(root, 'dist', 'test', 'faults', 'run.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
// The suite cleans up on the first signal and ignores a repeat, so a Ctrl-C that reaches both
// processes (the terminal signals the whole group) is still one clean stop.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
