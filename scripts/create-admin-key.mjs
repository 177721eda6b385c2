// `npm run admin-key -- [--name <name>] [--role admin|staff|read-only] [--library <symbol>]`:
// builds, then makes an API key in the configured database and prints it once (src/cli/admin-key.ts).
import { buildAndRun } from './setup.mjs';

buildAndRun('src/cli/admin-key.js', process.argv.slice(2));
