/**
 * NCIP parse: lenient about what real ILS answers vary on (prefixes, namespaces, element order,
 * missing Scheme, NCIP 1 leftovers, extra elements), strict about safety (the shared hardened
 * reader: size limit, no DTD/entities, well-formedness). Throws only `NcipProblem`.
 *
 * Initiations are read as a responder must: a missing required element is a "Needed Data Missing"
 * Problem. Responses are read as a client should: whatever can be read is kept, missing required
 * text becomes '' and the caller decides what it needs.
 */
import { DEFAULT_MAX_XML_BYTES, attrNamed, readXml, type XmlElement } from '../xml';
import { NcipProblem } from './problems';
import { MESSAGE_SPECS, PROBLEM, isXsDateTime, type Field, type MessageSpec, type Scalar, type Shape } from './shapes';
import { NCIP1_ALIASES, ncip1Problem, ncip1SchemeValue } from './shims';
import type { NcipMessage, Problem, SchemeValue } from './types';
import { NCIP_2_02_SERVICES } from './vocabulary';

export interface NcipParseOptions {
  /** Largest document accepted, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
}

interface Ctx {
  readonly strict: boolean;
  readonly service: string | undefined;
}

export function parseNcip(input: string | Buffer, options: NcipParseOptions = {}): NcipMessage {
  const read = readXml(input, { maxBytes: options.maxBytes ?? DEFAULT_MAX_XML_BYTES });
  if (!read.ok) throw new NcipProblem('Invalid Message Syntax Error', `${read.error.kind}: ${read.error.detail}`);
  try {
    return parseRoot(read.root);
  } catch (err) {
    if (err instanceof NcipProblem) throw err;
    // Unreachable by design; kept so that no input can surface as an untyped exception.
    throw new NcipProblem('Temporary Processing Failure', 'this server could not read the message');
  }
}

function parseRoot(root: XmlElement): NcipMessage {
  const version = attrNamed(root, 'version')?.value;
  const envelope = version !== undefined ? { version } : {};
  if (root.name === 'NCIPVersionMessage') return parseVersionMessage(root, envelope);
  if (root.name !== 'NCIPMessage') {
    throw new NcipProblem('Invalid Message Syntax Error', `the root element is ${root.name}, not NCIPMessage`, { element: root.name });
  }
  const problems = root.children.filter((c) => c.name === 'Problem');
  if (problems.length > 0) return { messageType: 'Problem', ...envelope, problems: problems.map(parseProblem) };
  const body = root.children.find((c) => c.name !== 'Ext');
  if (body === undefined) throw new NcipProblem('Invalid Message Syntax Error', 'NCIPMessage holds no service element', { element: 'NCIPMessage' });
  if (body.name === 'LookupVersion' || body.name === 'LookupVersionResponse') return parseVersionMessage(root, envelope);
  const spec = Object.hasOwn(MESSAGE_SPECS, body.name) ? (MESSAGE_SPECS as Record<string, MessageSpec>)[body.name] : undefined;
  if (spec === undefined) {
    const service = body.name.replace(/Response$/, '');
    const known = (NCIP_2_02_SERVICES as readonly string[]).includes(service);
    throw new NcipProblem(known ? 'Unsupported Service' : 'Unknown Service', `${body.name} is ${known ? 'not supported here' : 'not an NCIP service'}`, {
      element: body.name,
      ...(known ? { service } : {}),
    });
  }
  const ctx: Ctx = { strict: spec.kind === 'initiation', service: spec.service };
  if (spec.kind === 'response') {
    const responseProblems = body.children.filter((c) => c.name === 'Problem');
    if (responseProblems.length > 0) {
      const header = parseFields(body, { el: body.name, fields: spec.shape.fields.slice(0, 1) }, body.name, ctx);
      return { messageType: body.name, ...envelope, ...header, problems: responseProblems.map(parseProblem) } as NcipMessage;
    }
  }
  return { messageType: body.name, ...envelope, ...parseFields(body, spec.shape, body.name, ctx) } as NcipMessage;
}

function parseProblem(el: XmlElement): Problem {
  const hasType = el.children.some((c) => c.name === 'ProblemType');
  if (!hasType) {
    const legacy = ncip1Problem(el);
    if (legacy !== undefined) return legacy;
  }
  return parseFields(el, PROBLEM, 'Problem', { strict: false, service: undefined }) as unknown as Problem;
}

function childrenFor(el: XmlElement, name: string): XmlElement[] {
  const aliases = NCIP1_ALIASES[name] ?? [];
  return el.children.filter((c) => c.name === name || aliases.includes(c.name));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}

function parseFields(el: XmlElement, shape: Shape, path: string, ctx: Ctx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of shape.fields) {
    const found = childrenFor(el, field.el);
    const fieldPath = `${path}/${field.el}`;
    const many = field.card === '*' || field.card === '+';
    const values = (many ? found : found.slice(0, 1)).map((c) => parseValue(c, field.of, fieldPath, ctx)).filter((v) => v !== undefined);
    if (values.length > 0) {
      out[field.key] = many ? values : values[0];
    } else if ((field.card === '1' || field.card === '+') && field.tolerated !== true) {
      if (ctx.strict) throw new NcipProblem('Needed Data Missing', `${field.el} is required in ${shape.el}`, { element: fieldPath, ...service(ctx) });
      const filler = emptyValue(field, fieldPath, ctx);
      if (filler !== undefined) out[field.key] = many ? [] : filler;
    }
  }
  if (ctx.strict) {
    for (const [keys, rule] of shape.choices ?? []) {
      if (rule !== 'at-most-one' && !keys.some((k) => present(out[k]))) {
        const names = keys.map((k) => shape.fields.find((f) => f.key === k)?.el ?? k).join(' or ');
        throw new NcipProblem('Needed Data Missing', `${shape.el} needs ${names}`, { element: `${path}/${names.replace(' or ', '|')}`, ...service(ctx) });
      }
    }
  }
  return out;
}

function service(ctx: Ctx): { service?: string } {
  return ctx.service !== undefined ? { service: ctx.service } : {};
}

/** What a lenient read puts where a required element is missing. */
function emptyValue(field: Field, path: string, ctx: Ctx): unknown {
  if (typeof field.of === 'object') return parseFields({ name: field.el, ns: '', prefix: '', attrs: {}, children: [], text: '' }, field.of, path, ctx);
  if (field.of === 'text') return '';
  if (field.of === 'scheme' || field.of === 'agency') return { value: '' };
  return undefined;
}

function parseValue(el: XmlElement, kind: Scalar | Shape, path: string, ctx: Ctx): unknown {
  if (typeof kind === 'object') return parseFields(el, kind, path, ctx);
  switch (kind) {
    case 'text':
      return el.text;
    case 'scheme':
      return schemeValue(el);
    case 'agency': {
      const inner = childrenFor(el, 'AgencyId')[0];
      return schemeValue(inner ?? el);
    }
    case 'date':
      if (el.text === '') return undefined; // `<ValidFromDate/>` (XC Aleph): no date
      if (ctx.strict && !isXsDateTime(el.text)) {
        throw new NcipProblem('Invalid Date', `${el.name} is not an xs:dateTime`, { element: path, value: el.text, ...service(ctx) });
      }
      return el.text;
    case 'count':
    case 'positive': {
      const ok = /^\+?\d{1,15}$/.test(el.text) && (kind === 'count' || Number(el.text) > 0);
      if (ok) return Number(el.text);
      if (ctx.strict) {
        throw new NcipProblem('Invalid Message Syntax Error', `${el.name} is not a ${kind === 'count' ? 'non-negative' : 'positive'} integer`, {
          element: path,
          value: el.text,
          ...service(ctx),
        });
      }
      return undefined;
    }
    case 'flag':
      return true;
  }
}

function schemeValue(el: XmlElement): SchemeValue {
  if (el.text === '' && el.children.length > 0) {
    const legacy = ncip1SchemeValue(el);
    if (legacy !== undefined) return legacy;
  }
  const scheme = attrNamed(el, 'Scheme')?.value;
  return scheme !== undefined ? { value: el.text, scheme } : { value: el.text };
}

function parseVersionMessage(root: XmlElement, envelope: { version?: string }): NcipMessage {
  const body = root.children.find((c) => c.name === 'LookupVersion' || c.name === 'LookupVersionResponse');
  if (body === undefined) {
    throw new NcipProblem('Invalid Message Syntax Error', `${root.name} holds neither LookupVersion nor LookupVersionResponse`, { element: root.name });
  }
  const strict = body.name === 'LookupVersion';
  const agency = (name: string): SchemeValue => {
    const el = body.children.find((c) => c.name === name);
    if (el === undefined) {
      if (strict) throw new NcipProblem('Needed Data Missing', `${name} is required in ${body.name}`, { element: `${body.name}/${name}`, service: 'LookupVersion' });
      return { value: '' };
    }
    return parseValue(el, 'agency', `${body.name}/${name}`, { strict, service: 'LookupVersion' }) as SchemeValue;
  };
  const texts = (name: string): string[] => body.children.filter((c) => c.name === name).map((c) => c.text);
  if (body.name === 'LookupVersion') return { messageType: 'LookupVersion', ...envelope, fromAgencyId: agency('FromAgencyId'), toAgencyId: agency('ToAgencyId') };
  const services = texts('ServiceSupported');
  return {
    messageType: 'LookupVersionResponse',
    ...envelope,
    fromAgencyId: agency('FromAgencyId'),
    toAgencyId: agency('ToAgencyId'),
    versionSupported: texts('VersionSupported'),
    ...(services.length > 0 ? { serviceSupported: services } : {}),
  };
}
