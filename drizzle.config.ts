import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations from src/store/schema.ts; they are committed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});
