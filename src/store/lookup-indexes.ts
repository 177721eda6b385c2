/**
 * The indexes behind the staff search and the exact lookups, as migration 0008 creates them.
 * They are not in schema.ts: drizzle-kit cannot write an operator class on an expression, nor
 * the extension and the function the search index needs. Each expression is the very SQL the
 * query is built from (PostgreSQL matches an index to a query by expression, literals
 * included), and a test fails when the migration no longer holds what is rendered here.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { BARCODES, identifierDigits, searchText } from './request-search';
import { EARLIER_REQUEST_IDS } from './requests';
import { foldFunctionSql } from './search-fold';

const dialect = new PgDialect();

/** An expression as index DDL: drizzle qualifies columns with their table, which CREATE INDEX accepts. */
function expression(expr: SQL): string {
  const { sql, params } = dialect.sqlToQuery(expr);
  if (params.length > 0) throw new Error(`an indexed expression must hold literals only, not parameters: ${sql}`);
  return sql;
}

interface LookupIndex {
  readonly name: string;
  readonly table: string;
  readonly using: 'btree' | 'gin';
  /** Columns or expressions, each with its operator class if any. */
  readonly keys: readonly string[];
  readonly where?: string;
}

export function lookupIndexes(): readonly LookupIndex[] {
  return [
    // `q`: every searched field folded, one text (request-search.ts); LIKE '%word%' is a trigram search.
    { name: 'requests_search_trgm_idx', table: 'requests', using: 'gin', keys: [`(${expression(searchText)}) gin_trgm_ops`] },
    // `q` with a number: ISBN, ISSN and OCLC number as digits.
    { name: 'requests_identifier_digits_trgm_idx', table: 'requests', using: 'gin', keys: [`(${expression(identifierDigits)}) gin_trgm_ops`] },
    // `barcode=`: either agency's request id, and each barcode a request carries.
    { name: 'requests_requesting_request_id_idx', table: 'requests', using: 'btree', keys: ['"requesting_agency_request_id"'] },
    { name: 'requests_supplying_request_id_idx', table: 'requests', using: 'btree', keys: ['"supplying_agency_request_id"'], where: '"supplying_agency_request_id" is not null' },
    ...BARCODES.map((b, i) => {
      const e = expression(b);
      return { name: `requests_barcode_${i + 1}_idx`, table: 'requests', using: 'btree' as const, keys: [e], where: `${e} is not null` };
    }),
    // A late message under an id a retry replaced (findRequestByEarlierId: `@>`).
    { name: 'requests_earlier_ids_idx', table: 'requests', using: 'gin', keys: [`${expression(EARLIER_REQUEST_IDS)} jsonb_path_ops`] },
    // Conformance counts and self-test arrivals: one partner's inbound messages in a window.
    { name: 'protocol_messages_peer_in_idx', table: 'protocol_messages', using: 'btree', keys: ['"peer"', '"created_at"'], where: `"direction" = 'in'` },
  ];
}

function createIndex(ix: LookupIndex): string {
  return `CREATE INDEX IF NOT EXISTS "${ix.name}" ON "${ix.table}" USING ${ix.using} (${ix.keys.join(', ')})${ix.where ? ` WHERE ${ix.where}` : ''};`;
}

/** Migration 0008's statements, in order: the extension, the folding function, the indexes. */
export function lookupIndexesMigration(): string[] {
  return ['CREATE EXTENSION IF NOT EXISTS pg_trgm;', foldFunctionSql(), ...lookupIndexes().map(createIndex)];
}
