/**
 * ISO 18626 codec throughput: parse and build of typical messages, beside fast-xml-parser alone
 * on the same document (the floor any codec built on it pays), printed as a ratio.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/iso18626-codec.js
 *
 * Timings are for reading, never asserted anywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { readXml } from '../protocols/xml';
import { buildIso18626, parseIso18626 } from '../protocols/iso18626';

const WARMUP = 2_000;
const ITERATIONS = 20_000;

/**
 * The shared samples sit beside the checkout, or beside the folder of worktrees it is in; found
 * from dist/bench or bench/ alike, by walking up.
 */
function sample(name: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'shared/protocols/iso18626/samples', name);
    if (existsSync(file)) return readFileSync(file, 'utf8');
    if (dirname(dir) === dir) throw new Error(`sample ${name} not found above ${__dirname}`);
  }
}

function rate(run: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return ITERATIONS / seconds;
}

const rawParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const rawBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

interface Row {
  readonly document: string;
  readonly operation: string;
  readonly perSecond: number;
  readonly baseline: number;
}

const rows: Row[] = [];
for (const name of ['crosslink__example.xml', 'crosslink__supmsg-ok.xml', 'crosslink__reqmsg-ok.xml']) {
  const xml = sample(name);
  const message = parseIso18626(xml).message;
  const rawTree: unknown = rawParser.parse(xml);
  const rawParse = rate(() => rawParser.parse(xml));
  const rawBuild = rate(() => rawBuilder.build(rawTree));
  rows.push({ document: name, operation: 'parse: fast-xml-parser alone', perSecond: rawParse, baseline: rawParse });
  rows.push({ document: name, operation: 'parse: hardened readXml', perSecond: rate(() => readXml(xml)), baseline: rawParse });
  rows.push({ document: name, operation: 'parse: parseIso18626', perSecond: rate(() => parseIso18626(xml)), baseline: rawParse });
  rows.push({ document: name, operation: 'build: fast-xml-parser alone', perSecond: rawBuild, baseline: rawBuild });
  rows.push({ document: name, operation: 'build: buildIso18626', perSecond: rate(() => buildIso18626(message)), baseline: rawBuild });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`ISO 18626 codec, ${ITERATIONS.toLocaleString('en-US')} iterations after ${WARMUP.toLocaleString('en-US')} warm-up, node ${process.version}`);
console.log(`| ${'document'.padEnd(26)} | ${'operation'.padEnd(30)} | ${'msgs/s'.padStart(9)} | vs fast-xml-parser |`);
console.log(`|${'-'.repeat(28)}|${'-'.repeat(32)}|${'-'.repeat(11)}|${'-'.repeat(20)}|`);
for (const row of rows) {
  const ratio = `${(row.perSecond / row.baseline).toFixed(2)}x`;
  console.log(`| ${row.document.padEnd(26)} | ${row.operation.padEnd(30)} | ${fmt(row.perSecond).padStart(9)} | ${ratio.padStart(18)} |`);
}
