// `npm run restore -- FILE [--force]`: builds, then puts a backup back into the configured
// database; refuses while a server holds it (src/cli/restore.ts).
import { buildAndRun } from './setup.mjs';

buildAndRun('src/cli/restore.js', process.argv.slice(2));
