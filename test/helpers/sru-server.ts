/**
 * A local SRU server for tests (node:http on 127.0.0.1, a free port). In `samples` mode it
 * answers searchRetrieve by parsing the CQL it receives — `index=value`, `index="quoted value"`,
 * `index all "words"`, AND/OR/NOT and parentheses — and serving the records of the sample files
 * that match, with the SRU namespace on a `zs:` prefix (as GVI writes it) and records packed as
 * asked (recordPacking/recordXMLEscaping xml or string). Matching is a word search over the
 * whole record, whatever the index: enough to tell whether the right identifier was asked.
 * Other modes answer with a given file, an SRU diagnostic, too slowly, garbage, or a web page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { childNamed, childrenNamed, readXml, type XmlElement } from '../../protocols/xml';
import { sharedPath } from './shared-data';

export const SHARED_SRU_DIR = sharedPath('catalog/sru');

export function sampleFiles(dir = SHARED_SRU_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(dir, f));
}

export type SruServerMode =
  | { readonly kind: 'samples'; readonly files?: readonly string[] }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'diagnostic'; readonly uri: string; readonly message?: string; readonly details?: string; readonly status?: number }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'garbage' }
  | { readonly kind: 'html' }
  | { readonly kind: 'body'; readonly body: string; readonly contentType?: string; readonly status?: number };

export interface SruTestServer {
  /** The SRU base URL. */
  readonly url: string;
  /** The query parameters of every request received, in order. */
  readonly requests: URLSearchParams[];
  setMode(mode: SruServerMode): void;
  close(): Promise<void>;
}

export async function startSruServer(initial: SruServerMode = { kind: 'samples' }): Promise<SruTestServer> {
  let mode = initial;
  const requests: URLSearchParams[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    requests.push(params);
    const send = (status: number, body: string, contentType = 'text/xml; charset=utf-8') => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    switch (mode.kind) {
      case 'samples':
        try {
          return send(200, searchSamples(params, mode.files ?? sampleFiles()));
        } catch (err) {
          return send(200, diagnostic(params.get('version') ?? '1.2', 'info:srw/diagnostic/1/10', 'Query syntax error', String((err as Error).message)));
        }
      case 'file':
        return send(200, readFileSync(mode.path, 'utf8'));
      case 'diagnostic':
        return send(mode.status ?? 200, diagnostic(params.get('version') ?? '1.2', mode.uri, mode.message, mode.details));
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(200, searchSamples(params, sampleFiles()));
        }, mode.delayMs);
        timers.add(timer);
        return;
      }
      case 'garbage':
        return send(200, '\u0000\u0001PK\u0003\u0004 not xml <zs:searchRetrieveResponse', 'application/octet-stream');
      case 'html':
        return send(200, '<!DOCTYPE html>\n<html><head><title>Sign in – Library proxy</title></head><body><form></form></body></html>', 'text/html; charset=utf-8');
      case 'body':
        return send(mode.status ?? 200, mode.body, mode.contentType);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sru`,
    requests,
    setMode: (next) => {
      mode = next;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Answers

const SRW = 'http://www.loc.gov/zing/srw/';

function searchSamples(params: URLSearchParams, files: readonly string[]): string {
  const query = parseCql(params.get('query') ?? '');
  const max = Number.parseInt(params.get('maximumRecords') ?? '10', 10);
  const packing = params.get('recordXMLEscaping') ?? params.get('recordPacking') ?? 'xml';
  const matching = files.flatMap((file) => {
    const read = readXml(readFileSync(file, 'utf8'), { maxBytes: 64 * 1024 * 1024 });
    if (!read.ok || read.root.name !== 'searchRetrieveResponse') return [];
    return childrenNamed(childNamed(read.root, 'records') ?? read.root, 'record').filter((r) => matches(query, words(allText(r))));
  });
  const records = matching.slice(0, max).map((record, i) => {
    const data = childNamed(record, 'recordData');
    const content = data?.children[0];
    const inner = content === undefined ? '' : packing === 'string' ? escapeText(serialize(content, '')) : serialize(content, SRW);
    const schema = childNamed(record, 'recordSchema')?.text ?? params.get('recordSchema') ?? 'marcxml';
    const identifier = childNamed(record, 'recordIdentifier')?.text;
    return `<zs:record><zs:recordSchema>${escapeText(schema)}</zs:recordSchema><zs:recordPacking>${packing}</zs:recordPacking><zs:recordData>${inner}</zs:recordData>${identifier ? `<zs:recordIdentifier>${escapeText(identifier)}</zs:recordIdentifier>` : ''}<zs:recordPosition>${i + 1}</zs:recordPosition></zs:record>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<zs:searchRetrieveResponse xmlns:zs="${SRW}"><zs:version>${escapeText(params.get('version') ?? '1.2')}</zs:version><zs:numberOfRecords>${matching.length}</zs:numberOfRecords><zs:records>${records.join('')}</zs:records><zs:echoedSearchRetrieveRequest><zs:query>${escapeText(params.get('query') ?? '')}</zs:query></zs:echoedSearchRetrieveRequest></zs:searchRetrieveResponse>\n`;
}

function diagnostic(version: string, uri: string, message?: string, details?: string): string {
  const diag = 'http://www.loc.gov/zing/srw/diagnostic/';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<searchRetrieveResponse xmlns="${SRW}"><version>${escapeText(version)}</version><diagnostics><diag:diagnostic xmlns:diag="${diag}"><diag:uri>${escapeText(uri)}</diag:uri>${details ? `<diag:details>${escapeText(details)}</diag:details>` : ''}${message ? `<diag:message>${escapeText(message)}</diag:message>` : ''}</diag:diagnostic></diagnostics></searchRetrieveResponse>\n`;
}

/** An element as XML, declaring its namespace wherever it differs from its parent's. */
function serialize(el: XmlElement, parentNs: string): string {
  const qname = el.prefix ? `${el.prefix}:${el.name}` : el.name;
  const xmlns = el.ns !== parentNs ? ` ${el.prefix ? `xmlns:${el.prefix}` : 'xmlns'}="${escapeAttr(el.ns)}"` : '';
  const attrs = Object.entries(el.attrs)
    .map(([name, a]) => ` ${name}="${escapeAttr(a.value)}"`)
    .join('');
  const inner = el.children.length > 0 ? el.children.map((c) => serialize(c, el.ns)).join('') : escapeText(el.text);
  return `<${qname}${xmlns}${attrs}>${inner}</${qname}>`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function allText(el: XmlElement): string {
  return [el.text, ...el.children.map(allText)].join(' ');
}

/** Lower-cased words; hyphens inside words dropped, so 0-429-20386-1 is the word 0429203861. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(?<=[\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// CQL, as much as catalogues are asked here

type Cql =
  | { readonly op: 'and' | 'or' | 'not'; readonly left: Cql; readonly right: Cql }
  | { readonly op: 'clause'; readonly index: string; readonly relation: string; readonly term: string };

export function parseCql(query: string): Cql {
  const tokens = tokenize(query);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    const t = tokens[at++];
    if (t === undefined) throw new Error('unexpected end of query');
    return t;
  };
  const boolean = () => {
    const t = peek();
    return t && !t.quoted && ['and', 'or', 'not'].includes(t.text.toLowerCase()) ? (t.text.toLowerCase() as 'and' | 'or' | 'not') : undefined;
  };
  const expression = (): Cql => {
    let left = clause();
    for (let op = boolean(); op !== undefined; op = boolean()) {
      at++;
      left = { op, left, right: clause() };
    }
    return left;
  };
  const clause = (): Cql => {
    const first = next();
    if (!first.quoted && first.text === '(') {
      const inner = expression();
      if (next().text !== ')') throw new Error('missing )');
      return inner;
    }
    const relation = peek();
    if (relation && !relation.quoted && /^(=|==|<>|all|any|adj|exact)$/i.test(relation.text)) {
      at++;
      return { op: 'clause', index: first.text, relation: relation.text.toLowerCase(), term: next().text };
    }
    return { op: 'clause', index: 'cql.serverChoice', relation: '=', term: first.text };
  };
  const tree = expression();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]!.text}`);
  return tree;
}

function tokenize(query: string): { text: string; quoted: boolean }[] {
  const tokens: { text: string; quoted: boolean }[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|(==|<>|[=()])|([^\s"=()<>]+))/y;
  let pos = 0;
  while (query.slice(pos).trim() !== '') {
    re.lastIndex = pos;
    const m = re.exec(query);
    if (m === null) throw new Error(`not CQL at ${query.slice(pos, pos + 20)}`);
    if (m[1] !== undefined) tokens.push({ text: m[1].replace(/\\(.)/g, '$1'), quoted: true });
    else tokens.push({ text: m[2] ?? m[3]!, quoted: false });
    pos = re.lastIndex;
  }
  return tokens;
}

function matches(q: Cql, text: readonly string[]): boolean {
  switch (q.op) {
    case 'and':
      return matches(q.left, text) && matches(q.right, text);
    case 'or':
      return matches(q.left, text) || matches(q.right, text);
    case 'not':
      return matches(q.left, text) && !matches(q.right, text);
    case 'clause': {
      const wanted = words(q.term);
      if (wanted.length === 0) return false;
      if (q.relation === 'all') return wanted.every((w) => text.includes(w));
      if (q.relation === 'any') return wanted.some((w) => text.includes(w));
      return text.some((_, i) => wanted.every((w, j) => text[i + j] === w));
    }
  }
}
