/**
 * Migration 0008 is written from the code (lookup-indexes.ts, search-fold.ts): the folding
 * function must fold as foldText does, and each index must be on the very expression its query
 * uses. Changing either without a migration that says the same fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '../../../src/store/db';
import { lookupIndexesMigration } from '../../../src/store/lookup-indexes';

function statements(file: string): string[] {
  return readFileSync(join(migrationsFolder(), file), 'utf8')
    .split('--> statement-breakpoint')
    .map((part) =>
      part
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s !== '');
}

describe('migration 0008 (search and lookup indexes)', () => {
  it('holds the extension, the folding function and every index exactly as the code renders them', () => {
    expect(statements('0008_lookup_indexes.sql')).toEqual(lookupIndexesMigration());
  });
});
