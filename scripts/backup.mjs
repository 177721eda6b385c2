// `npm run backup -- [--out FILE]`: builds, then writes a consistent snapshot of the configured
// database, through the running server when it holds the embedded one (src/cli/backup.ts).
import { buildAndRun } from './setup.mjs';

buildAndRun('src/cli/backup.js', process.argv.slice(2));
