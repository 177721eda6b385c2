/**
 * The one hardened XML setup both protocol codecs share.
 *
 * Reading: peers send what they like, so the reader is defensive first and lenient second.
 * - Size is checked before anything is parsed.
 * - Any DTD (`<!DOCTYPE`) or entity declaration is refused outright: that closes billion-laughs
 *   and external-entity (XXE) attacks without relying on parser options.
 * - Only the five predefined entities and numeric character references are decoded, by hand,
 *   after parsing (fast-xml-parser's own entity processing is off).
 * - Well-formedness is checked with fast-xml-parser's validator, because its parser alone
 *   accepts some malformed documents.
 * - The result is a small, namespace-resolved tree: local names, the namespace URI each element
 *   and attribute is in, attributes by local name, children in document order.
 *
 * Nothing in this module throws for any input: `readXml` returns a result object.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** Local name, without any prefix. */
  readonly name: string;
  /** Namespace URI the element is in ('' when none). */
  readonly ns: string;
  /** The prefix the sender used ('' for none or a default namespace). */
  readonly prefix: string;
  /** Attributes by local name (namespace declarations excluded). */
  readonly attrs: Readonly<Record<string, XmlAttr>>;
  readonly children: readonly XmlElement[];
  /** Concatenated, trimmed character data directly inside this element. */
  readonly text: string;
}

export interface XmlAttr {
  readonly value: string;
  /** Namespace URI of the attribute ('' for an unqualified attribute). */
  readonly ns: string;
}

export type XmlReadFailure =
  | { readonly kind: 'empty'; readonly detail: string }
  | { readonly kind: 'too-large'; readonly detail: string }
  | { readonly kind: 'dtd-forbidden'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string };

export type XmlReadResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly error: XmlReadFailure };

export interface XmlReadOptions {
  /** Largest document accepted, in UTF-8 bytes. */
  readonly maxBytes: number;
}

/** 1 MiB: far above any real ILL message (CrossLink caps at 100 KB), far below harm. */
export const DEFAULT_MAX_XML_BYTES = 1024 * 1024;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

const FORBIDDEN_MARKUP = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

export function readXml(input: string | Buffer, options: XmlReadOptions = { maxBytes: DEFAULT_MAX_XML_BYTES }): XmlReadResult {
  try {
    const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
    if (size > options.maxBytes) {
      return fail('too-large', `document is ${size} bytes; the limit is ${options.maxBytes}`);
    }
    const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
    if (text.trim() === '') return fail('empty', 'the document is empty');
    const forbidden = FORBIDDEN_MARKUP.exec(text);
    if (forbidden) {
      return fail('dtd-forbidden', `<!${forbidden[1]!.toUpperCase()}> is not accepted: documents must not carry a DTD or entity declarations`);
    }
    const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (valid !== true) {
      return fail('malformed', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
    }
    const nodes = parser.parse(text) as OrderedNode[];
    const roots = nodes.filter((n) => elementName(n) !== undefined);
    if (roots.length !== 1) return fail('malformed', `expected exactly one root element, found ${roots.length}`);
    return { ok: true, root: toElement(roots[0]!, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])) };
  } catch {
    // The validator above should make this unreachable; it is here so that no input can escape as a throw.
    return fail('malformed', 'not well-formed XML');
  }
}

function fail(kind: XmlReadFailure['kind'], detail: string): XmlReadResult {
  return { ok: false, error: { kind, detail } };
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
}

function toElement(node: OrderedNode, inScope: ReadonlyMap<string, string>): XmlElement {
  const qname = elementName(node)!;
  const rawAttrs = node[':@'] ?? {};
  const scope = new Map(inScope);
  for (const [key, value] of Object.entries(rawAttrs)) {
    if (key === 'xmlns') scope.set('', decodeEntities(value));
    else if (key.startsWith('xmlns:')) scope.set(key.slice(6), decodeEntities(value));
  }
  const [prefix, name] = splitQName(qname);
  const attrs: Record<string, XmlAttr> = {};
  for (const [key, value] of Object.entries(rawAttrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const [attrPrefix, attrName] = splitQName(key);
    // Unprefixed attributes are in no namespace (XML Namespaces 1.0, section 6.2).
    attrs[attrName] = { value: decodeEntities(value), ns: attrPrefix ? (scope.get(attrPrefix) ?? '') : '' };
  }
  const children: XmlElement[] = [];
  const texts: string[] = [];
  for (const child of (node[qname] as OrderedNode[] | undefined) ?? []) {
    if ('#text' in child) texts.push(decodeEntities(String(child['#text'])));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) texts.push(String(part['#text'] ?? ''));
    } else if (elementName(child) !== undefined) children.push(toElement(child, scope));
  }
  return { name, prefix, ns: scope.get(prefix) ?? '', attrs, children, text: texts.join('').trim() };
}

function splitQName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else is left as written. */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading helpers, by local name (codecs are lenient about prefixes and namespaces).

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

export function childNamed(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** An attribute by local name, qualified or not (peers get `attributeFormDefault` wrong). */
export function attrNamed(el: XmlElement, name: string): XmlAttr | undefined {
  return el.attrs[name];
}

// ---------------------------------------------------------------------------------------------
// Writing: codecs describe the document as ordered nodes; this renders it, escaping included.

export interface XmlOut {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, string>>;
  /** Either child elements or text. */
  readonly children?: readonly XmlOut[];
  readonly text?: string;
}

const builders = {
  pretty: new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: true, indentBy: '  ', suppressEmptyNode: false }),
  compact: new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: false, suppressEmptyNode: false }),
};

export function writeXml(root: XmlOut, options: { pretty?: boolean } = {}): string {
  const body = builders[options.pretty === false ? 'compact' : 'pretty'].build([toOrdered(root)]) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.trim()}\n`;
}

function toOrdered(el: XmlOut): Record<string, unknown> {
  const content = el.children !== undefined && el.children.length > 0
    ? el.children.map(toOrdered)
    : el.text !== undefined && el.text !== '' ? [{ '#text': el.text }] : [];
  const node: Record<string, unknown> = { [el.name]: content };
  if (el.attrs && Object.keys(el.attrs).length > 0) node[':@'] = el.attrs;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Masking: the content of chosen elements replaced, everything else kept byte for byte.

/**
 * The text with the content of every element whose local name `isSecret` accepts (whatever its
 * prefix) replaced by `mask`. A scanner rather than the parser, because it must also mask what
 * cannot be parsed: a body we refused (malformed, with a DTD, truncated) is stored as received.
 * It errs towards masking: a start tag counts wherever it stands (even inside a comment, a CDATA
 * section or an attribute value), the content ends only at a real closing tag of the same local
 * name (one inside a comment or CDATA section does not count), and content that is never closed
 * is masked to the end of the text. An empty element stays empty: that nothing was sent is no secret.
 */
export function maskElementText(text: string, isSecret: (localName: string) => boolean, mask: string): string {
  const startTag = /<([^\s<>/!?]+)/g;
  let out = '';
  let copied = 0;
  for (let m = startTag.exec(text); m !== null; m = startTag.exec(text)) {
    const name = localNameOf(m[1]!);
    if (!isSecret(name)) continue;
    const gt = text.indexOf('>', startTag.lastIndex);
    if (gt >= 0 && text[gt - 1] === '/') continue; // <securityCode/>
    const contentStart = gt < 0 ? startTag.lastIndex : gt + 1;
    const close = gt < 0 ? text.length : closingTagAt(text, contentStart, name);
    const content = text.slice(contentStart, close);
    out += text.slice(copied, contentStart) + (content.trim() === '' ? content : mask);
    copied = close;
    startTag.lastIndex = close;
  }
  return out + text.slice(copied);
}

function localNameOf(qname: string): string {
  return splitQName(qname)[1];
}

/** Where the `</...>` closing an element of this local name, opened before `from`, starts (nesting counted). */
function closingTagAt(text: string, from: number, name: string): number {
  const token = /<!--|<!\[CDATA\[|<\/([^\s<>/]+)\s*>|<([^\s<>/!?]+)/g;
  token.lastIndex = from;
  let depth = 0;
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    if (m[0] === '<!--' || m[0] === '<![CDATA[') {
      const end = text.indexOf(m[0] === '<!--' ? '-->' : ']]>', token.lastIndex);
      if (end < 0) return text.length;
      token.lastIndex = end + 3;
    } else if (m[1] !== undefined) {
      if (localNameOf(m[1]) !== name) continue;
      if (depth === 0) return m.index;
      depth--;
    } else if (localNameOf(m[2]!) === name) {
      const gt = text.indexOf('>', token.lastIndex);
      if (gt < 0) return text.length;
      if (text[gt - 1] !== '/') depth++;
    }
  }
  return text.length;
}
