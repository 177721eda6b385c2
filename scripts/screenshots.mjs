// `npm run screenshots`: build, then write docs/screenshots/*.png of the staff interface (scripts/screenshots.ts).
import { buildAndRun } from './setup.mjs';

buildAndRun('scripts/screenshots.js', process.argv.slice(2));
