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
  VERSIONS_2021,
} from './shims';
import { MESSAGE_FIELDS, READ_FIELDS, STATUS_FIELD } from './spec';
import type { Field, Fields, ProtocolVersion } from './spec';
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
  /**
   * Which schema the message was written for, told by structure: '2021' when the version
   * attribute names 2021 or the message carries anything only ISO-18626-2021-2.xsd has (an
   * element, a rename, a status value); '1.2' otherwise. Answer it in the same (confirm.ts).
   */
  readonly revision: ProtocolVersion;
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

/** A value read in its 2021 place that the model keeps where v1.2 has it (spec.ts `from`). */
interface Moved {
  readonly to: readonly [string, string];
  readonly values: readonly unknown[];
  readonly path: string;
  readonly ns: string;
}

class Walk {
  readonly warnings: Iso18626Warning[] = [];
  readonly unknown: UnknownElement[] = [];
  readonly moved: Moved[] = [];
  /** Set when anything only the 2021 schema has was seen. */
  saw2021 = false;
  /** The version attribute names 2021: its renamed elements are then no deviation to report. */
  declared2021 = false;
  readonly namespaces: ReadonlySet<string>;
  readonly warn: Warn = (code, path, detail) => {
    this.warnings.push({ code, path, detail });
  };

  constructor(rootNs: string) {
    this.namespaces = new Set(['', ISO18626_NS, rootNs]);
  }

  /** What was recorded so far, to forget what a discarded reading recorded after it. */
  mark(): readonly [number, number, number, boolean] {
    return [this.warnings.length, this.unknown.length, this.moved.length, this.saw2021];
  }

  rewind([warnings, unknown, moved, saw2021]: readonly [number, number, number, boolean]): void {
    this.warnings.length = warnings;
    this.unknown.length = unknown;
    this.moved.length = moved;
    this.saw2021 = saw2021;
  }

  ignore(parent: XmlElement, el: XmlElement, path: string): void {
    this.unknown.push({ path, ns: el.ns });
    if (isRevision2021Element(parent.name, el.name)) {
      this.saw2021 = true;
      this.warn('revision-2021-element', path, `${el.name} is ISO 18626:2021 only; ignored`);
    }
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
    if (version !== undefined && VERSIONS_2021.test(version.trim())) walk.saw2021 = walk.declared2021 = true;
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
    const body = readFields(messageEl, READ_FIELDS[kind], kind, walk);
    putBack(body, walk);
    message = { kind, ...body } as Iso18626Message;
    // A container only the 2021 schema has (retryInfo, shippingInfo) marks a 2021 message.
    if (messageEl.children.some((c) => !Object.hasOwn(MESSAGE_FIELDS[kind], c.name) && Object.hasOwn(READ_FIELDS[kind], c.name))) walk.saw2021 = true;
    afterMessage(messageEl, message, walk);
  } catch (err) {
    if (err instanceof Iso18626Error) throw withContext(err, messageEl);
    throw err;
  }
  const revision: ProtocolVersion = walk.saw2021 ? '2021' : '1.2';
  return { kind, message, version, revision, warnings: walk.warnings, unknownElements: walk.unknown } as ParseResult;
}


/**
 * 2021 elements that hold what v1.2 has elsewhere (retryInfo/offeredCosts -> messageInfo/
 * offeredCosts) go back to the v1.2 place, unless the message filled that too; a repetition the
 * model cannot hold is reported.
 */
function putBack(body: Record<string, unknown>, walk: Walk): void {
  for (const { to, values, path, ns } of walk.moved) {
    const [parent, key] = to;
    const target = body[parent] as Record<string, unknown> | undefined;
    if (target === undefined) continue;
    const filled = target[key] !== undefined;
    if (!filled) target[key] = values[0];
    const kept = filled ? 0 : 1;
    values.slice(kept).forEach((_, i) => {
      const at = values.length === 1 ? path : `${path}[${kept + i}]`;
      walk.unknown.push({ path: at, ns });
      walk.warn('revision-2021-element', at, filled ? `${parent}.${key} was given in its v1.2 place; ignored` : `repeated; only the first is read (into ${parent}.${key})`);
    });
  }
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
  // 2021 dropped it from SAM and RAM headers and made it optional in a request's.
  if (header !== undefined && !walk.saw2021 && !header.children.some((c) => c.name === 'multipleItemRequestId')) {
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
      walk.saw2021 = true;
      if (!walk.declared2021) walk.warn('revision-2021-element', childPath, `ISO 18626:2021 ${name} read as v1.2 ${target}`);
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
    if (field.from !== undefined) {
      const values = found.map((c, i) => readField(c, field, field.max === undefined ? childPath : `${childPath}[${i}]`, walk)).filter((v) => v !== undefined);
      if (values.length > 0) walk.moved.push({ to: field.from, values, path: childPath, ns: found[0]!.ns });
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
    if (!field.required && !hasContent(el)) return readEmptyContainer(el, field.fields, path, walk);
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
      if (field === STATUS_FIELD && revision2021Status(raw, path, walk.warn)) {
        walk.saw2021 = true;
        return undefined;
      }
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

/**
 * An optional container with nothing in it but empty elements. mod-rs fills a template of every
 * element and leaves some empty (`<offeredCosts />`, a deliveryInfo of empty elements): like an
 * empty leaf, it is absent, with an `empty-element` warning when the schema would refuse it (it
 * lacks a required element). One the schema accepts (`<returnInfo/>`, an agency id of empty
 * strings) reads as it always did. A required container is never read this way: what it lacks is
 * refused.
 */
function readEmptyContainer(el: XmlElement, fields: Fields, path: string, walk: Walk): Record<string, unknown> | undefined {
  const mark = walk.mark();
  try {
    const value = readFields(el, fields, path, walk);
    return Object.keys(value).length === 0 ? undefined : value;
  } catch (err) {
    if (!(err instanceof Iso18626Error)) throw err;
    walk.rewind(mark);
    walk.warn('empty-element', path, 'empty element read as absent');
    return undefined;
  }
}

/** Text or an attribute somewhere inside: what an element with only empty elements in it lacks. */
function hasContent(el: XmlElement): boolean {
  return el.text !== '' || Object.keys(el.attrs).length > 0 || el.children.some(hasContent);
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
