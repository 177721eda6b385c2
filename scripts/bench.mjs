// `npm run bench [name]`: build, then run every benchmark under bench/ (or those matching name).
// Benchmarks print ratios measured in one run, and each aim with a verdict; timings are never
// asserted in tests, and a missed aim is no failure (a wrong answer from a server is).
//
// BENCH_SECONDS        length of each measured run (default 8)
// BENCH_DATABASE_URL   PostgreSQL to make throw-away databases on (default: a cluster of the run's own, as root)
// BENCH_LOANS          loans in flight in loan-cycle (default 50)
// BENCH_MEMORY_REQUESTS inbound requests in memory, read after a tenth and after all (default 10000)
// BENCH_CPU_PROF       a folder: every server measured writes a CPU profile there when it stops
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
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', cwd: root });
  console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
  status ||= result.status ?? 1;
}
process.exit(status);
