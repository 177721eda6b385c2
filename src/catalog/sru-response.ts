/**
 * Reading an SRU searchRetrieve answer (1.1, 1.2, 2.0). Pure: text in, records or a
 * CatalogueError out.
 *
 * The XML is read by the project's hardened reader (protocols/xml.ts: size checked first, any
 * DTD or entity declaration refused, only predefined entities decoded), so a hostile catalogue
 * cannot expand entities or reach files. Elements are matched by local name: servers write the
 * SRU namespace with a `zs:` prefix (GVI), as the default namespace (DNB, Alma) or, in 2.0, as
 * another URI. What servers get wrong and is tolerated: `numberOfRecords` disagreeing with the
 * records sent (the records sent count), `numberOfRecords` missing, diagnostics whose URI is a
 * bare code (Alma: `200801`), records packed as escaped XML although xml was asked, or the
 * reverse.
 */
import { childNamed, childrenNamed, readXml, type XmlElement } from '../../protocols/xml';
import { CatalogueError, describeDiagnostic, type SruDiagnostic } from './errors';

export interface SruRecord {
  readonly schema?: string;
  readonly position?: number;
  readonly identifier?: string;
  /** The root element of recordData's content (a MARC record or collection, isohold holdings, an opacRecord). */
  readonly data: XmlElement;
}

export interface SruAnswer {
  readonly version?: string;
  /** As the server said; may disagree with `records.length`. */
  readonly numberOfRecords?: number;
  readonly records: readonly SruRecord[];
  /** Non-fatal diagnostics sent with records, and surrogate diagnostics sent for a record. */
  readonly diagnostics: readonly SruDiagnostic[];
}

export interface ReadSruOptions {
  readonly maxBytes: number;
  /** The Content-Type the answer came with, if known ('' when none). */
  readonly contentType?: string;
}

const HTML_START = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(!DOCTYPE\s+html|html[\s>])/i;

export function readSruAnswer(body: string, options: ReadSruOptions): SruAnswer {
  if (Buffer.byteLength(body, 'utf8') > options.maxBytes) {
    throw new CatalogueError('too-large', `the answer is longer than ${options.maxBytes} bytes`);
  }
  if (HTML_START.test(body)) throw webPage(body);
  // Some servers label SRU text/html: the label only explains an answer that is not SRU.
  const labelledHtml = (options.contentType ?? '').toLowerCase().startsWith('text/html');
  const read = readXml(body, { maxBytes: options.maxBytes });
  if (!read.ok) {
    if (read.error.kind === 'too-large') throw new CatalogueError('too-large', read.error.detail);
    if (labelledHtml) throw webPage(body);
    throw new CatalogueError('not-xml', `the answer is not usable XML: ${read.error.detail}`);
  }
  const root = read.root;
  // Some servers answer a fatal error with a bare <diagnostics> root.
  if (root.name === 'diagnostics') throw diagnosticError(readDiagnostics(root));
  if (root.name !== 'searchRetrieveResponse') {
    if (labelledHtml) throw webPage(body);
    throw new CatalogueError('not-sru', `the answer is <${root.name}>, not an SRU searchRetrieveResponse`);
  }

  const diagnostics = [...readDiagnostics(childNamed(root, 'diagnostics'))];
  const records: SruRecord[] = [];
  for (const record of childrenNamed(childNamed(root, 'records') ?? root, 'record')) {
    const data = recordContent(record, options.maxBytes);
    if (data === undefined) continue;
    if (data.name === 'diagnostic') {
      diagnostics.push(readDiagnostic(data));
      continue;
    }
    const schema = textOf(record, 'recordSchema');
    const position = Number.parseInt(textOf(record, 'recordPosition') ?? '', 10);
    const identifier = textOf(record, 'recordIdentifier');
    records.push({ data, ...(schema ? { schema } : {}), ...(Number.isFinite(position) ? { position } : {}), ...(identifier ? { identifier } : {}) });
  }
  // Diagnostics and no records: the search failed. With records, they were only warnings.
  if (records.length === 0 && diagnostics.length > 0) throw diagnosticError(diagnostics);

  const count = Number.parseInt(textOf(root, 'numberOfRecords') ?? '', 10);
  const version = textOf(root, 'version');
  return { records, diagnostics, ...(version ? { version } : {}), ...(Number.isFinite(count) ? { numberOfRecords: count } : {}) };
}

/** recordData's element; escaped XML (recordPacking string, SRU 2.0 recordXMLEscaping string) is parsed in turn. */
function recordContent(record: XmlElement, maxBytes: number): XmlElement | undefined {
  const data = childNamed(record, 'recordData');
  if (data === undefined) return undefined;
  const element = data.children[0];
  if (element !== undefined) return element;
  if (!data.text.startsWith('<')) return undefined;
  const inner = readXml(data.text, { maxBytes });
  if (!inner.ok) throw new CatalogueError('not-xml', `a record packed as a string is not usable XML: ${inner.error.detail}`);
  return inner.root;
}

function readDiagnostics(diagnostics: XmlElement | undefined): SruDiagnostic[] {
  return diagnostics === undefined ? [] : childrenNamed(diagnostics, 'diagnostic').map(readDiagnostic);
}

function readDiagnostic(el: XmlElement): SruDiagnostic {
  const uri = textOf(el, 'uri') ?? '';
  const message = textOf(el, 'message');
  const details = textOf(el, 'details');
  return { uri, code: uri.slice(uri.lastIndexOf('/') + 1) || '?', ...(message ? { message } : {}), ...(details ? { details } : {}) };
}

function webPage(body: string): CatalogueError {
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(body)?.[1]?.trim();
  return new CatalogueError('html', `the catalogue answered with a web page${title ? ` (“${title}”)` : ''}, not SRU`);
}

function diagnosticError(diagnostics: readonly SruDiagnostic[]): CatalogueError {
  const words = diagnostics.length > 0 ? diagnostics.map(describeDiagnostic).join('; ') : 'SRU diagnostics without a diagnostic';
  return new CatalogueError('diagnostic', words, diagnostics);
}

function textOf(el: XmlElement, name: string): string | undefined {
  const text = childNamed(el, name)?.text;
  return text === undefined || text === '' ? undefined : text;
}
