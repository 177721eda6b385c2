/**
 * Real XML Schema validation for tests (libxml2's xmllint compiled to WASM: no system package needed).
 * Every message a codec builds in the suite goes through here against the official schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const SCHEMA_FILES = {
  iso18626: join(__dirname, '../../protocols/iso18626/schema/ISO18626-v1_2.xsd'),
  iso18626_2021: join(__dirname, '../../protocols/iso18626/schema/ISO-18626-2021-2.xsd'),
  ncip: join(__dirname, '../../protocols/ncip/schema/ncip_v2_02.xsd'),
  ncipVersion: join(__dirname, '../../protocols/ncip/schema/ncip_version.xsd'),
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

const cache = new Map<SchemaName, string>();
function schemaText(name: SchemaName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(SCHEMA_FILES[name], 'utf8');
    cache.set(name, text);
  }
  return text;
}

export interface SchemaVerdict {
  valid: boolean;
  errors: string[];
}

export async function validateAgainst(schema: SchemaName, xml: string): Promise<SchemaVerdict> {
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [{ fileName: `${schema}.xsd`, contents: schemaText(schema) }],
    initialMemoryPages: 512,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.message) };
}
