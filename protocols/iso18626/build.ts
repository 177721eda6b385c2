/**
 * Writing ISO 18626: strict, so that what we send validates against the schema of the version
 * asked for, ISO18626-v1_2.xsd (the default) or ISO-18626-2021-2.xsd (mod-rs validates what it
 * receives and answers 400 otherwise). The model is checked with zod first; elements are written
 * in schema order from the version's tree in spec.ts, which also says where a 2021 element finds
 * its model value (`model`, `from`); what the version has no element for is not written.
 * `ill:version` and `ill:scheme` are namespace-qualified (attributeFormDefault="qualified");
 * the v1.2 header's `multipleItemRequestId` is always written, empty when absent; no other empty
 * optional element is written.
 */
import type { XmlOut } from '../xml';
import { writeXml } from '../xml';
import type { z } from 'zod';
import { Iso18626Error } from './errors';
import { FIELDS_BY_VERSION } from './spec';
import type { Field, Fields, ProtocolVersion } from './spec';
import { Iso18626MessageSchema, ISO18626_NS, ISO18626_VERSION, ISO18626_VERSION_2021 } from './types';
import type { Iso18626Message } from './types';

export interface BuildOptions {
  /** Indented output (default true); false writes one line. */
  readonly pretty?: boolean;
  /** The schema to write (default '1.2'). */
  readonly version?: ProtocolVersion;
}

const VERSION_ATTRIBUTE: Readonly<Record<ProtocolVersion, string>> = { '1.2': ISO18626_VERSION, '2021': ISO18626_VERSION_2021 };

/** Throws only Iso18626Error (origin 'build') when `message` is not a valid message, or cannot be written in `version`. */
export function buildIso18626(message: Iso18626Message, options: BuildOptions = {}): string {
  const checked = Iso18626MessageSchema.safeParse(message);
  if (!checked.success) throw fromZod(checked.error, message);
  const valid = checked.data;
  if (valid.kind === 'supplyingAgencyMessage' && valid.statusInfo.status === undefined) {
    // The model allows an absent status because Alma sends one; the schemas do not.
    throw buildError('UnrecognisedDataElement', 'supplyingAgencyMessage.statusInfo.status', 'required to send; an absent status is only accepted on receipt');
  }
  const version = options.version ?? '1.2';
  const { kind, ...body } = valid;
  const root: XmlOut = {
    name: 'ISO18626Message',
    attrs: { xmlns: ISO18626_NS, 'xmlns:ill': ISO18626_NS, 'ill:version': VERSION_ATTRIBUTE[version] },
    children: [{ name: kind, children: writeFields(body, FIELDS_BY_VERSION[version][kind], { body, path: kind }) }],
  };
  return writeXml(root, { pretty: options.pretty ?? true });
}

function buildError(errorType: 'UnrecognisedDataElement' | 'UnrecognisedDataValue', element: string, problem: string): Iso18626Error {
  return new Iso18626Error({ errorType, element, problem, origin: 'build' });
}

function fromZod(error: z.ZodError, message: unknown): Iso18626Error {
  const issue = error.issues[0];
  const kind = typeof message === 'object' && message !== null && 'kind' in message ? String(message.kind) : 'ISO18626Message';
  const path = [kind, ...(issue?.path ?? []).filter((p) => p !== 'kind').map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
    .join('.')
    .replace(/\.\[/g, '[');
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  return buildError(missing ? 'UnrecognisedDataElement' : 'UnrecognisedDataValue', path, missing ? 'required element is missing' : (issue?.message ?? 'invalid'));
}

interface At {
  /** The message body, for fields whose value lives elsewhere (`from`). */
  readonly body: Record<string, unknown>;
  readonly path: string;
}

function modelValue(value: Record<string, unknown>, name: string, field: Field, at: At): unknown {
  if (field.from === undefined) return value[field.model ?? name];
  const [parent, key] = field.from;
  const moved = (at.body[parent] as Record<string, unknown> | undefined)?.[key];
  return moved === undefined || field.max === undefined ? moved : [moved];
}

const feeds = new WeakMap<Field, boolean>();

/** A group that is absent from the model may still have content fed from elsewhere (`from`). */
function feedsFromElsewhere(field: Field): boolean {
  let known = feeds.get(field);
  if (known === undefined) {
    known = field.t === 'group' && Object.values(field.fields).some((f) => f.from !== undefined || feedsFromElsewhere(f));
    feeds.set(field, known);
  }
  return known;
}

function writeFields(value: Record<string, unknown>, fields: Fields, at: At): XmlOut[] {
  const out: XmlOut[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const path = `${at.path}.${name}`;
    let v = modelValue(value, name, field, at);
    if (field.alwaysWritten && v === undefined) v = '';
    if (v === undefined && feedsFromElsewhere(field)) v = {};
    if (v === undefined) {
      // The zod check covers v1.2; this catches what only another version requires (2021 serviceInfo).
      if (field.required) throw buildError('UnrecognisedDataElement', path, 'required element is missing');
      continue;
    }
    const items = field.max === undefined ? [v] : (v as unknown[]);
    items.forEach((item, i) => {
      const el = writeField(name, item, field, { body: at.body, path: field.max === undefined ? path : `${path}[${i}]` });
      if (el !== undefined) out.push(el);
    });
  }
  return out;
}

function writeField(name: string, value: unknown, field: Field, at: At): XmlOut | undefined {
  switch (field.t) {
    case 'group': {
      const children = writeFields(value as Record<string, unknown>, field.fields, at);
      return children.length === 0 && !field.required ? undefined : { name, children };
    }
    case 'choice': {
      const [member, inner] = Object.entries(value as Record<string, unknown>)[0]!;
      const el = writeField(member, inner, { ...field.fields[member]!, required: true }, { body: at.body, path: `${at.path}.${member}` });
      return el === undefined ? undefined : { name, children: [el] };
    }
    case 'svp': {
      const { value: text, scheme: given } = value as { value: string; scheme?: string };
      const scheme = field.schemeless ? undefined : given;
      if (text === '' && !scheme && !field.required) return undefined;
      return scheme ? { name, attrs: { 'ill:scheme': scheme }, text } : { name, text };
    }
    case 'text':
      return value === '' && !field.required && !field.alwaysWritten ? undefined : { name, text: value as string };
    case 'integer':
      if (field.min !== undefined && (value as number) < field.min) throw buildError('UnrecognisedDataValue', at.path, `${String(value)} is below ${field.min}, the lowest this version allows`);
      return { name, text: String(value) };
    case 'boolean':
      return { name, text: value ? 'true' : 'false' };
    default:
      return { name, text: value as string };
  }
}
