// Fails when src/store/schema.ts has changes that no committed migration captures
// (someone edited the schema and forgot `npm run db:generate`).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './setup.mjs';

const committed = join(root, 'src', 'store', 'migrations');
const scratch = mkdtempSync(join(tmpdir(), 'ill-migrations-'));
try {
  cpSync(committed, scratch, { recursive: true });
  const before = readdirSync(scratch).filter((f) => f.endsWith('.sql')).length;
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'drizzle-kit'),
    ['generate', '--dialect', 'postgresql', '--schema', './src/store/schema.ts', '--out', scratch, '--name', 'pending'],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  const after = readdirSync(scratch).filter((f) => f.endsWith('.sql')).length;
  if (after !== before) {
    console.error('The schema has changes with no migration: run `npm run db:generate` and commit the result.');
    process.exit(1);
  }
  console.log('migrations are up to date with src/store/schema.ts');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
