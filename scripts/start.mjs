// `npm start`: install what is missing, build, and run the server on embedded defaults.
// `npm run workers` (this script with --workers): run only the queue workers.
import { runServer } from './run-server.mjs';
import { build, ensureDependencies, ensureRedisServer } from './setup.mjs';

ensureDependencies();
ensureRedisServer();
build();
runServer(process.argv.slice(2));
