/**
 * Writing ISO 18626 v1.2: strict, so that what we send validates against ISO18626-v1_2.xsd
 * (mod-rs validates what it receives and answers 400 otherwise). The model is checked with zod
 * first; elements are written in schema order from spec.ts; `ill:version` and `ill:scheme` are
 * namespace-qualified (attributeFormDefault="qualified"); `multipleItemRequestId` is always
 * written in a header, empty when absent; no other empty optional element is written.
 */
import type { XmlOut } from '../xml';
import { writeXml } from '../xml';
import type { z } from 'zod';
import { Iso18626Error } from './errors';
import { MESSAGE_FIELDS } from './spec';
import type { Field, Fields } from './spec';
import { Iso18626MessageSchema, ISO18626_NS, ISO18626_VERSION } from './types';
import type { Iso18626Message } from './types';

export interface BuildOptions {
  /** Indented output (default true); false writes one line. */
  readonly pretty?: boolean;
}

/** Throws only Iso18626Error (origin 'build') when `message` is not a valid v1.2 message. */
export function buildIso18626(message: Iso18626Message, options: BuildOptions = {}): string {
  const checked = Iso18626MessageSchema.safeParse(message);
  if (!checked.success) throw fromZod(checked.error, message);
  const valid = checked.data;
  if (valid.kind === 'supplyingAgencyMessage' && valid.statusInfo.status === undefined) {
    // The model allows an absent status because Alma sends one; v1.2 does not.
    throw new Iso18626Error({
      errorType: 'UnrecognisedDataElement',
      element: 'supplyingAgencyMessage.statusInfo.status',
      problem: 'required to send; an absent status is only accepted on receipt',
      origin: 'build',
    });
  }
  const { kind, ...body } = valid;
  const root: XmlOut = {
    name: 'ISO18626Message',
    attrs: { xmlns: ISO18626_NS, 'xmlns:ill': ISO18626_NS, 'ill:version': ISO18626_VERSION },
    children: [{ name: kind, children: writeFields(body, MESSAGE_FIELDS[kind]) }],
  };
  return writeXml(root, { pretty: options.pretty ?? true });
}

function fromZod(error: z.ZodError, message: unknown): Iso18626Error {
  const issue = error.issues[0];
  const kind = typeof message === 'object' && message !== null && 'kind' in message ? String(message.kind) : 'ISO18626Message';
  const path = [kind, ...(issue?.path ?? []).filter((p) => p !== 'kind').map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
    .join('.')
    .replace(/\.\[/g, '[');
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  return new Iso18626Error({
    errorType: missing ? 'UnrecognisedDataElement' : 'UnrecognisedDataValue',
    element: path,
    problem: missing ? 'required element is missing' : (issue?.message ?? 'invalid'),
    origin: 'build',
  });
}

function writeFields(value: Record<string, unknown>, fields: Fields, inHeader = false): XmlOut[] {
  const out: XmlOut[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const v = value[name];
    if (inHeader && name === 'multipleItemRequestId') {
      // v1.2 header: required, may be empty (NOTES §7.1).
      out.push({ name, text: typeof v === 'string' ? v : '' });
      continue;
    }
    if (v === undefined) continue;
    for (const item of field.max === undefined ? [v] : (v as unknown[])) {
      const el = writeField(name, item, field);
      if (el !== undefined) out.push(el);
    }
  }
  return out;
}

function writeField(name: string, value: unknown, field: Field): XmlOut | undefined {
  switch (field.t) {
    case 'group': {
      const children = writeFields(value as Record<string, unknown>, field.fields, name === 'header');
      return children.length === 0 && !field.required ? undefined : { name, children };
    }
    case 'choice': {
      const [member, inner] = Object.entries(value as Record<string, unknown>)[0]!;
      const el = writeField(member, inner, { ...field.fields[member]!, required: true });
      return el === undefined ? undefined : { name, children: [el] };
    }
    case 'svp': {
      const { value: text, scheme } = value as { value: string; scheme?: string };
      if (text === '' && !scheme && !field.required) return undefined;
      return scheme ? { name, attrs: { 'ill:scheme': scheme }, text } : { name, text };
    }
    case 'text':
      return value === '' && !field.required ? undefined : { name, text: value as string };
    case 'integer':
      return { name, text: String(value) };
    case 'boolean':
      return { name, text: value ? 'true' : 'false' };
    default:
      return { name, text: value as string };
  }
}
