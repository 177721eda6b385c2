/**
 * NCIP build: strict NCIP 2.02 that validates against ncip_v2_02.xsd. `ns1:` prefix with
 * namespace-qualified `ns1:version` and `ns1:Scheme` (the schema's attributeFormDefault is
 * qualified), children in schema order, pretty-printed by default because Koha's NCIPServer finds
 * the service as `childNodes()[1]` of NCIPMessage and breaks on a one-line document.
 *
 * A message that cannot be emitted validly (a required element missing, a bad date, two sides of
 * an XSD choice) throws `NcipProblem`; nothing is silently dropped.
 */
import { writeXml, type XmlOut } from '../xml';
import { NcipProblem } from './problems';
import { MESSAGE_SPECS, PROBLEM, isXsDateTime, type MessageSpec, type Scalar, type Shape } from './shapes';
import { NCIP_NAMESPACE, NCIP_VERSION, NCIP_VERSION_MESSAGE_VERSION, type NcipMessage, type NcipMessageOf, type Problem, type SchemeValue } from './types';

export interface NcipBuildOptions {
  /** Indent the document (default true). */
  readonly pretty?: boolean;
}

const P = 'ns1:';

export function buildNcip(message: NcipMessage, options: NcipBuildOptions = {}): string {
  const write = (root: XmlOut): string => writeXml(root, { pretty: options.pretty !== false });
  if (message.messageType === 'LookupVersion' || message.messageType === 'LookupVersionResponse') return write(versionMessage(message));
  const body = message.messageType === 'Problem' ? problemChildren(message.problems, 'NCIPMessage') : [serviceElement(message)];
  return write({ name: `${P}NCIPMessage`, attrs: { 'xmlns:ns1': NCIP_NAMESPACE, [`${P}version`]: message.version ?? NCIP_VERSION }, children: body });
}

/**
 * The answer a responder sends for a Problem: inside `<ServiceResponse>` when the service is one we
 * model, else as top-level NCIPMessage Problems (the service could not be determined).
 */
export function buildProblemResponse(problem: NcipProblem | readonly Problem[], service?: string, version?: string, options?: NcipBuildOptions): string {
  const problems = problem instanceof NcipProblem ? [problem.toProblem()] : problem;
  const name = `${service ?? (problem instanceof NcipProblem ? problem.service : undefined) ?? ''}Response`;
  const envelope = version !== undefined ? { version } : {};
  if (Object.hasOwn(MESSAGE_SPECS, name)) return buildNcip({ messageType: name, ...envelope, problems } as NcipMessage, options);
  return buildNcip({ messageType: 'Problem', ...envelope, problems }, options);
}

function serviceElement(message: Exclude<NcipMessage, { messageType: 'Problem' | 'LookupVersion' | 'LookupVersionResponse' }>): XmlOut {
  const spec: MessageSpec = MESSAGE_SPECS[message.messageType];
  const name = message.messageType;
  const fields = message as unknown as Record<string, unknown>;
  const problems = spec.kind === 'response' ? (fields.problems as readonly Problem[] | undefined) : undefined;
  if (problems !== undefined && problems.length > 0) {
    const success = spec.shape.fields.slice(1).find((f) => present(fields[f.key]));
    if (success !== undefined) {
      throw new NcipProblem('Invalid Message Syntax Error', `a response carries either Problems or ${success.el}, not both`, { element: `${name}/${success.el}` });
    }
    return { name: `${P}${name}`, children: [...buildFields(fields, { el: name, fields: spec.shape.fields.slice(0, 1) }, name), ...problemChildren(problems, name)] };
  }
  return { name: `${P}${name}`, children: buildFields(fields, spec.shape, name) };
}

function problemChildren(problems: readonly Problem[], path: string): XmlOut[] {
  if (problems.length === 0) throw new NcipProblem('Needed Data Missing', 'at least one Problem is required', { element: `${path}/Problem` });
  return problems.map((p) => ({ name: `${P}Problem`, children: buildFields(p as unknown as Record<string, unknown>, PROBLEM, `${path}/Problem`) }));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0);
}

function buildFields(value: Record<string, unknown>, shape: Shape, path: string): XmlOut[] {
  if (typeof value !== 'object' || value === null) throw new NcipProblem('Invalid Message Syntax Error', `${shape.el} must be an object`, { element: path });
  for (const [keys, rule] of shape.choices ?? []) {
    const given = keys.filter((k) => present(value[k]));
    const names = keys.map((k) => shape.fields.find((f) => f.key === k)?.el ?? k);
    if (given.length === 0 && rule !== 'at-most-one') {
      throw new NcipProblem('Needed Data Missing', `${shape.el} needs ${names.join(' or ')}`, { element: `${path}/${names.join('|')}` });
    }
    if (given.length > 1 && rule !== 'at-least-one') {
      throw new NcipProblem('Invalid Message Syntax Error', `${shape.el} takes only one of ${names.join(', ')}`, { element: `${path}/${names.join('|')}` });
    }
  }
  const out: XmlOut[] = [];
  for (const field of shape.fields) {
    const v = value[field.key];
    const fieldPath = `${path}/${field.el}`;
    if (!present(v)) {
      if (field.card === '1' || field.card === '+') throw new NcipProblem('Needed Data Missing', `${field.el} is required in ${shape.el}`, { element: fieldPath });
      continue;
    }
    const many = field.card === '*' || field.card === '+';
    if (many && !Array.isArray(v)) throw new NcipProblem('Invalid Message Syntax Error', `${field.el} must be a list`, { element: fieldPath });
    for (const item of many ? (v as unknown[]) : [v]) {
      const node = buildValue(field.el, item, field.of, fieldPath);
      if (node !== undefined) out.push(node);
    }
  }
  return out;
}

// XML 1.0 cannot carry most control characters, even escaped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new NcipProblem('Invalid Message Syntax Error', 'must be text', { element: path });
  if (NOT_XML_CHAR.test(value)) throw new NcipProblem('Invalid Message Syntax Error', 'contains characters XML cannot carry', { element: path });
  return value;
}

function schemeNode(name: string, value: unknown, path: string): XmlOut {
  const sv = value as SchemeValue;
  if (typeof sv !== 'object' || sv === null) throw new NcipProblem('Invalid Message Syntax Error', 'must be { value, scheme? }', { element: path });
  const node = { name, text: text(sv.value, path) };
  if (sv.scheme === undefined) return node;
  if (!URI.test(text(sv.scheme, `${path}/@Scheme`)) || sv.scheme.split('#').length > 2) {
    throw new NcipProblem('Invalid Message Syntax Error', 'Scheme must be a URI (xs:anyURI)', { element: `${path}/@Scheme`, value: sv.scheme });
  }
  return { ...node, attrs: { [`${P}Scheme`]: sv.scheme } };
}

// Scheme is xs:anyURI: RFC 3986 characters (no brackets, which only an IP literal host may use) and valid %-escapes.
const URI = /^[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]*(%[0-9A-Fa-f]{2}[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]*)*$/;

function buildValue(el: string, value: unknown, kind: Scalar | Shape, path: string): XmlOut | undefined {
  const name = `${P}${el}`;
  if (typeof kind === 'object') return { name, children: buildFields(value as Record<string, unknown>, kind, path) };
  switch (kind) {
    case 'text':
      return { name, text: text(value, path) };
    case 'scheme':
      return schemeNode(name, value, path);
    case 'agency':
      return { name, children: [schemeNode(`${P}AgencyId`, value, `${path}/AgencyId`)] };
    case 'date':
      if (typeof value !== 'string' || !isXsDateTime(value)) {
        throw new NcipProblem('Invalid Date', `${el} must be an xs:dateTime such as 2024-05-01T12:00:00Z`, { element: path, value: String(value) });
      }
      return { name, text: value };
    case 'count':
    case 'positive': {
      const min = kind === 'count' ? 0 : 1;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        throw new NcipProblem('Invalid Message Syntax Error', `${el} must be an integer >= ${min}`, { element: path, value: String(value) });
      }
      return { name, text: String(value) };
    }
    case 'flag':
      return value === true ? { name } : undefined;
  }
}

/** LookupVersion's own schema: no namespace, unqualified `version`, NCIP 1-style agency ids. */
function versionMessage(message: NcipMessageOf<'LookupVersion'> | NcipMessageOf<'LookupVersionResponse'>): XmlOut {
  const agency = (name: string, sv: SchemeValue | undefined): XmlOut => {
    if (sv === undefined) throw new NcipProblem('Needed Data Missing', `${name} is required`, { element: `${message.messageType}/${name}` });
    return {
      name,
      children: [
        {
          name: 'UniqueAgencyId',
          children: [
            { name: 'Scheme', text: text(sv.scheme ?? '', `${name}/Scheme`) },
            { name: 'Value', text: text(sv.value, `${name}/Value`) },
          ],
        },
      ],
    };
  };
  const children = [agency('FromAgencyId', message.fromAgencyId), agency('ToAgencyId', message.toAgencyId)];
  if (message.messageType === 'LookupVersionResponse') {
    if (message.versionSupported.length === 0) {
      throw new NcipProblem('Needed Data Missing', 'at least one VersionSupported is required', { element: 'LookupVersionResponse/VersionSupported' });
    }
    for (const v of message.versionSupported) children.push({ name: 'VersionSupported', text: text(v, 'VersionSupported') });
    for (const s of message.serviceSupported ?? []) children.push({ name: 'ServiceSupported', text: text(s, 'ServiceSupported') });
  }
  return { name: 'NCIPVersionMessage', attrs: { version: message.version ?? NCIP_VERSION_MESSAGE_VERSION }, children: [{ name: message.messageType, children }] };
}
