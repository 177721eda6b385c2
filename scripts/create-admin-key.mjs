// `node scripts/create-admin-key.mjs [--name <name>] [--role admin|staff|read-only] [--library <symbol>]`:
// builds, then makes an API key in the configured database and prints it once (src/admin-key.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDependencies, root } from './setup.mjs';

ensureDependencies();
build();
const result = spawnSync(process.execPath, [join(root, 'dist', 'src', 'admin-key.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
