// `npm run bench [name]`: build, then run every benchmark under bench/ (or those matching name).
// Benchmarks print ratios measured in one run; timings are never asserted in tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, root } from './setup.mjs';

ensureDependencies();
build();
const dir = join(root, 'dist', 'bench');
const filter = process.argv[2] ?? '';
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js') && f.includes(filter)) : [];
if (files.length === 0) console.log('no benchmarks matched');
let status = 0;
for (const file of files) {
  console.log(`\n## ${file.replace(/\.js$/, '')}`);
  const result = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', cwd: root });
  status ||= result.status ?? 1;
}
process.exit(status);
