// `npm test`: install what is missing (npm packages, redis-server, chromium), build server and
// web interface, then run Jest. Jest's global setup starts a private
// Redis for the run; the database is in-memory PGlite, or PostgreSQL when TEST_DATABASE_URL is set.
// The build is there for the tests that run the server as its own process (`dist/src/main.js`,
// exactly what `npm start` runs): signals, crashes, the single-opener lock.
// Extra arguments go to Jest (e.g. `npm test -- test/unit`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureChromium, ensureDependencies, ensureRedisServer, root } from './setup.mjs';

ensureDependencies();
ensureRedisServer();
ensureChromium();
build();

const result = spawnSync(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  // PGlite loads its WASM through a dynamic import, which Jest's module sandbox allows only with this flag.
  env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' ') },
});
process.exit(result.status ?? 1);
