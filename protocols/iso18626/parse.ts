/**
 * Reading ISO 18626 messages: lenient on what real peers send (any prefix or none, any element
 * order, unknown elements, the quirks in shims.ts), strict on what matters (required elements,
 * closed lists, simple types). Every failure is an Iso18626Error; nothing else escapes.
 */
import type { XmlElement } from '../xml';
import { DEFAULT_MAX_XML_BYTES, readXml } from '../xml';
import { Iso18626Error } from './errors';
import type { Iso18626Warning, Warn } from './shims';
import {
  checkVersion,
  emptyStatus,
  isRevision2021Element,
  lenientBoolean,
  lenientDateTime,
  matchClosedValue,
  missingMultipleItemRequestId,
  lenientScheme,
  requestReceivedOnNotification,
  REVISION_2021,
  revision2021Status,
} from './shims';
import { MESSAGE_FIELDS, STATUS_FIELD } from './spec';
import type { Field, Fields } from './spec';
import { withContext } from './salvage';
import { DECIMAL, ISO18626_NS, MESSAGE_KINDS } from './types';
import type { ErrorType, Iso18626Message, MessageKind, MessageOfKind } from './types';

export interface ParseOptions {
  /** Largest document accepted, in UTF-8 bytes (default: xml.ts DEFAULT_MAX_XML_BYTES, 1 MiB). */
  readonly maxBytes?: number;
}

/** An element the codec does not know and ignored, so the caller can log or refuse it. */
export interface UnknownElement {
  /** Path where it was found, ending with its local name: `request.header.consortialId`. */
  readonly path: string;
  readonly ns: string;
}

export interface ParseResult<K extends MessageKind = MessageKind> {
  readonly kind: K;
  readonly message: MessageOfKind<K>;
  /** The envelope's version attribute as sent (absent when there was none). */
  readonly version: string | undefined;
  readonly warnings: readonly Iso18626Warning[];
  readonly unknownElements: readonly UnknownElement[];
}

export type ParseOutcome = { readonly ok: true; readonly result: ParseResult } | { readonly ok: false; readonly error: Iso18626Error };

/** Throws only Iso18626Error. */
export function parseIso18626(xml: string | Buffer, options: ParseOptions = {}): ParseResult {
  const outcome = tryParseIso18626(xml, options);
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** Never throws. */
export function tryParseIso18626(xml: string | Buffer, options: ParseOptions = {}): ParseOutcome {
  try {
    return { ok: true, result: parseDocument(xml, options) };
  } catch (err) {
    if (err instanceof Iso18626Error) return { ok: false, error: err };
    // A codec bug must still reach the peer as a protocol answer, not a 500, and in our words:
    // an exception's text says nothing a partner can act on.
    return { ok: false, error: new Iso18626Error({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', problem: 'could not be read by this server' }) };
  }
}

const ROOT = 'ISO18626Message';

function fail(errorType: ErrorType, element: string, problem: string): never {
  throw new Iso18626Error({ errorType, element, problem });
}

class Walk {
  readonly warnings: Iso18626Warning[] = [];
  readonly unknown: UnknownElement[] = [];
  readonly namespaces: ReadonlySet<string>;
  readonly warn: Warn = (code, path, detail) => {
    this.warnings.push({ code, path, detail });
  };

  constructor(rootNs: string) {
    this.namespaces = new Set(['', ISO18626_NS, rootNs]);
  }

  ignore(parent: XmlElement, el: XmlElement, path: string): void {
    this.unknown.push({ path, ns: el.ns });
    if (isRevision2021Element(parent.name, el.name)) this.warn('revision-2021-element', path, `${el.name} is ISO 18626:2021 only; ignored`);
  }
}

function parseDocument(xml: string | Buffer, options: ParseOptions): ParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const input = withoutLeadingSpace(xml, maxBytes);
  if (typeof input === 'string') refuseNonXmlCharacters(input);
  const read = readXml(input, { maxBytes });
  if (!read.ok) {
    throw new Iso18626Error({ errorType: 'BadlyFormedMessage', element: ROOT, problem: read.error.detail, xmlFailure: read.error.kind });
  }
  const root = read.root;
  const walk = new Walk(root.ns);
  if (root.ns !== ISO18626_NS && root.ns !== '') walk.warn('unexpected-namespace', ROOT, `namespace "${root.ns}" read as ${ISO18626_NS}`);

  let version: string | undefined;
  let messageEl: XmlElement;
  if (root.name === ROOT) {
    version = checkVersion(root, walk.warn);
    const messages: XmlElement[] = [];
    for (const child of root.children) {
      if (isMessageKind(child.name) && walk.namespaces.has(child.ns)) messages.push(child);
      else walk.ignore(root, child, `${ROOT}.${child.name}`);
    }
    const [first, second] = messages;
    if (first === undefined) fail('BadlyFormedMessage', ROOT, `no ISO 18626 message inside (expected one of ${MESSAGE_KINDS.join(', ')})`);
    if (second !== undefined) {
      const error = new Iso18626Error({ errorType: 'BadlyFormedMessage', element: ROOT, problem: `carries ${messages.length} messages; expected exactly one` });
      throw withContext(error, first);
    }
    messageEl = first;
  } else if (isMessageKind(root.name)) {
    // mod-rs isoMessages templates are bare messages: the kind is unambiguous, so read it.
    walk.warn('missing-envelope', root.name, `no ${ROOT} envelope around <${root.name}>`);
    messageEl = root;
  } else {
    return fail('BadlyFormedMessage', ROOT, `root element <${root.name}> is not an ISO 18626 message`);
  }

  const kind = messageEl.name as MessageKind;
  let message: Iso18626Message;
  try {
    message = { kind, ...readFields(messageEl, MESSAGE_FIELDS[kind], kind, walk) } as Iso18626Message;
    afterMessage(messageEl, message, walk);
  } catch (err) {
    if (err instanceof Iso18626Error) throw withContext(err, messageEl);
    throw err;
  }
  return { kind, message, version, warnings: walk.warnings, unknownElements: walk.unknown } as ParseResult;
}

/**
 * Whitespace before `<?xml` makes a document ill-formed, but it is only transport noise (a
 * template's indentation, a proxy's newline): drop it. Oversized input is left for readXml to refuse.
 */
function withoutLeadingSpace(xml: string | Buffer, maxBytes: number): string | Buffer {
  if (typeof xml !== 'string' && xml.length > maxBytes) return xml;
  const text = typeof xml === 'string' ? xml : xml.toString('utf8');
  return text.replace(/^\uFEFF?\s+/, '');
}

const NON_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const CHAR_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

/**
 * XML 1.0 (section 2.2) forbids NUL and most control characters, written or referenced
 * (`&#1;`); the shared reader's validator lets them through, and they could never be written
 * back, so the document is refused here.
 */
function refuseNonXmlCharacters(text: string): void {
  const bad = NON_XML_CHAR.exec(text);
  if (bad) fail('BadlyFormedMessage', ROOT, `not well-formed XML: character U+${codePoint(bad[0])} at offset ${bad.index} is not allowed`);
  for (const ref of text.matchAll(CHAR_REFERENCE)) {
    const body = ref[1]!;
    const code = body.startsWith('x') || body.startsWith('X') ? parseInt(body.slice(1), 16) : parseInt(body, 10);
    if (!(code <= 0x10ffff) || NON_XML_CHAR.test(String.fromCodePoint(code))) {
      fail('BadlyFormedMessage', ROOT, `not well-formed XML: character reference ${ref[0]} names a character XML does not allow`);
    }
  }
}

function codePoint(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

function isMessageKind(name: string): name is MessageKind {
  return (MESSAGE_KINDS as readonly string[]).includes(name);
}

/** Checks that need more than one element at a time. */
function afterMessage(messageEl: XmlElement, message: Iso18626Message, walk: Walk): void {
  const header = messageEl.children.find((c) => c.name === 'header');
  if (header !== undefined && !header.children.some((c) => c.name === 'multipleItemRequestId')) {
    missingMultipleItemRequestId(`${message.kind}.header.multipleItemRequestId`, walk.warn);
  }
  if (message.kind === 'supplyingAgencyMessage') {
    const path = `${message.kind}.statusInfo.status`;
    requestReceivedOnNotification(message.messageInfo.reasonForMessage, message.statusInfo.status, path, walk.warn);
  }
}

function readFields(el: XmlElement, fields: Fields, path: string, walk: Walk): Record<string, unknown> {
  const renamed = REVISION_2021.renamed[el.name];
  const byName = new Map<string, XmlElement[]>();
  for (const child of el.children) {
    let name = child.name;
    const childPath = `${path}.${child.name}`;
    if (!walk.namespaces.has(child.ns)) {
      walk.ignore(el, child, childPath);
      continue;
    }
    if (!Object.hasOwn(fields, name)) {
      const target = renamed?.[name];
      if (target === undefined || el.children.some((c) => c.name === target)) {
        walk.ignore(el, child, childPath);
        continue;
      }
      walk.warn('revision-2021-element', childPath, `ISO 18626:2021 ${name} read as v1.2 ${target}`);
      name = target;
    }
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [child]);
    else list.push(child);
  }

  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const childPath = `${path}.${name}`;
    let found = byName.get(name) ?? [];
    const max = field.max ?? 1;
    if (found.length > max) {
      if (!REVISION_2021.repeatable.has(name)) fail('BadlyFormedMessage', childPath, `occurs ${found.length} times; the schema allows ${max}`);
      walk.warn('revision-2021-element', childPath, `occurs ${found.length} times (ISO 18626:2021 repeats it); only the first ${max} read`);
      found.slice(max).forEach((extra, i) => walk.unknown.push({ path: `${childPath}[${max + i}]`, ns: extra.ns }));
      found = found.slice(0, max);
    }
    if (found.length === 0) {
      if (field.required) fail('UnrecognisedDataElement', childPath, 'required element is missing');
      continue;
    }
    if (field.max === undefined) {
      const value = readField(found[0]!, field, childPath, walk);
      if (value !== undefined) out[name] = value;
    } else {
      const values = found.map((c, i) => readField(c, field, `${childPath}[${i}]`, walk)).filter((v) => v !== undefined);
      if (values.length > 0) out[name] = values;
    }
  }
  return out;
}

/** A field's value, or undefined when the element is empty and so the same as absent. */
function readField(el: XmlElement, field: Field, path: string, walk: Walk): unknown {
  if (field.t === 'group') {
    const value = readFields(el, field.fields, path, walk);
    return Object.keys(value).length === 0 && !field.required ? undefined : value;
  }
  if (field.t === 'choice') return readChoice(el, field.fields, path, walk);
  for (const child of el.children) walk.ignore(el, child, `${path}.${child.name}`);
  const raw = el.text;
  if (field.t === 'text') return raw === '' && !field.required ? undefined : raw;
  if (field.t === 'svp') {
    const scheme = lenientScheme(el, path, walk.warn);
    if (raw === '' && !scheme && !field.required) return undefined;
    return scheme ? { value: raw, scheme } : { value: raw };
  }
  if (raw === '') {
    if (field === STATUS_FIELD) return emptyStatus(path, walk.warn);
    if (field.required) {
      const expected = field.t === 'enum' ? field.typeName : `xs:${field.t}`;
      return fail(field.t === 'enum' ? field.errorType : 'UnrecognisedDataValue', path, `empty; expected a value of ${expected}`);
    }
    walk.warn('empty-element', path, 'empty element read as absent');
    return undefined;
  }
  switch (field.t) {
    case 'enum': {
      const value = matchClosedValue(raw, field.values, path, walk.warn);
      if (value !== undefined) return value;
      if (field === STATUS_FIELD && revision2021Status(raw, path, walk.warn)) return undefined;
      return fail(field.errorType, path, `unknown value ${JSON.stringify(raw)} (not in ${field.typeName})`);
    }
    case 'dateTime':
      return lenientDateTime(raw, path, walk.warn) ?? fail('UnrecognisedDataValue', path, `${JSON.stringify(raw)} is not an xs:dateTime`);
    case 'decimal':
      return DECIMAL.test(raw) ? raw : fail('UnrecognisedDataValue', path, `${JSON.stringify(raw)} is not an xs:decimal`);
    case 'integer': {
      const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(value) ? value : fail('UnrecognisedDataValue', path, `${JSON.stringify(raw)} is not an integer`);
    }
    case 'boolean':
      return lenientBoolean(raw, path, walk.warn) ?? fail('UnrecognisedDataValue', path, `${JSON.stringify(raw)} is not an xs:boolean`);
  }
}

function readChoice(el: XmlElement, fields: Fields, path: string, walk: Walk): unknown {
  const chosen: XmlElement[] = [];
  for (const child of el.children) {
    if (Object.hasOwn(fields, child.name) && walk.namespaces.has(child.ns)) chosen.push(child);
    else walk.ignore(el, child, `${path}.${child.name}`);
  }
  const [only, extra] = chosen;
  if (only === undefined) {
    walk.warn('empty-element', path, `no ${Object.keys(fields).join(' or ')}; read as absent`);
    return undefined;
  }
  if (extra !== undefined) fail('BadlyFormedMessage', path, `carries ${chosen.map((c) => c.name).join(' and ')}; the schema allows one`);
  const field = fields[only.name]!;
  return { [only.name]: readField(only, { ...field, required: true }, `${path}.${only.name}`, walk) };
}
