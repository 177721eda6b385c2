// `npm run add-user -- --username <name> --display-name <name> --role admin|staff|read-only [--library <symbol>] [--email <address>]`:
// builds, then makes a staff user in the configured database (src/cli/add-user.ts); the password comes on stdin or is generated and printed once.
import { buildAndRun } from './setup.mjs';

buildAndRun('src/cli/add-user.js', process.argv.slice(2));
