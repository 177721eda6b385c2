/**
 * The PostgreSQL extensions the schema uses, as PGlite loads them: each is bundled with PGlite
 * and must be passed at every open, since the data folder holds only the catalog entries
 * (CREATE EXTENSION runs once, in migration 0008). Every `new PGlite` on our data uses these.
 */
import type { Extension } from '@electric-sql/pglite';

// PGlite ships contrib/* as CommonJS too, but its package.json maps only the ESM typings, which
// TypeScript refuses to `import` from a CommonJS module: hence require, typed by hand.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };

/** pg_trgm: the GIN trigram index behind the staff search (`q`). */
export const PGLITE_EXTENSIONS = { pg_trgm };
