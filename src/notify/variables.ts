/**
 * The variables a notice template can use (the fields of ./view.ts's NoticeView, described for
 * the people who write templates) and a check of a template's source against them: Handlebars
 * renders an unknown `{{patronNmae}}` as nothing, so a misspelling would go out silently.
 * Pure: it reads the template's syntax tree, never renders.
 */
import Handlebars from 'handlebars';
import type { PatronNotice } from '../domain/types';
import type { NoticeView } from './view';

export interface TemplateVariable {
  readonly name: keyof NoticeView;
  readonly description: string;
  /** The notices in which it can have a value; absent: every notice. */
  readonly notices?: readonly PatronNotice[];
}

/** The notices sent while the patron has, or is about to have, the item: the loan's dates are known. */
const ON_LOAN: readonly PatronNotice[] = ['shipped', 'ready_for_pickup', 'due_soon', 'overdue', 'recalled', 'renewed', 'renew_refused'];

/** Every field of NoticeView, in the order a template writer looks for them. */
export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'patronName', description: 'The patron’s name: as the request gives it, else the ILS’s. May be missing: use it inside {{#if patronName}}…{{else}}…{{/if}}' },
  { name: 'item', description: 'The item as one phrase in the library’s patron language: “Kindred by Butler, Octavia”, “"Article" in Journal”, or by ISBN (German: “Butler, Octavia: Kindred”, “„Article“ in: Journal”)' },
  { name: 'title', description: 'Title' },
  { name: 'author', description: 'Author' },
  { name: 'articleTitle', description: 'Title of the article or chapter (copies)' },
  { name: 'pickupLocation', description: 'Where to collect it: the pickup location’s name from the library’s settings (the request’s own words when it names no configured location)' },
  { name: 'pickupLocationAddress', description: 'The pickup location’s address, when the library’s settings give one' },
  { name: 'dueDate', description: 'Due date written out in the library’s patron language (“Monday 1 March 2027”, “Montag, 1. März 2027”), in the library’s time zone; set once loaned', notices: ON_LOAN },
  { name: 'dueDateIso', description: 'Due date as an ISO 8601 timestamp', notices: ON_LOAN },
  { name: 'neededBy', description: 'The date the patron needs it by, written out as dueDate is' },
  { name: 'libraryName', description: 'The library’s name' },
  { name: 'reason', description: 'Why the request was cancelled or unfilled, in plain words of the library’s patron language', notices: ['cancelled', 'unfilled'] },
  { name: 'isCopy', description: 'True for a copy (article scan), false for a loan' },
  { name: 'renewals', description: 'How many times the loan has been renewed (absent before the first renewal)', notices: ON_LOAN },
  { name: 'reference', description: 'The request number the patron can quote (3F2A-91C4); staff find the request by it' },
  {
    name: 'statusUrl',
    description:
      'A signed link that opens this request’s status without signing in (valid for the library’s settings.patrons.statusLinkDays, 60 by default); missing when the request has no patron id (erased), so use it inside {{#if statusUrl}}…{{/if}}',
  },
  { name: 'notice', description: 'The notice’s name (shipped, due_soon, …)' },
];

/** The variables a notice's template can use. */
export function variablesOf(notice: PatronNotice): TemplateVariable[] {
  return TEMPLATE_VARIABLES.filter((v) => v.notices === undefined || v.notices.includes(notice));
}

/** Each notice and the names of its variables, for the API's description of the templates setting. */
export function variablesByNotice(notices: readonly PatronNotice[]): string {
  return notices.map((n) => `${n}: ${variablesOf(n).map((v) => v.name).join(', ')}`).join('; ');
}

/** The few node shapes of Handlebars' syntax tree this check reads. */
interface Node {
  readonly type: string;
}
interface PathNode extends Node {
  readonly original: string;
  readonly parts: readonly string[];
  readonly depth: number;
  readonly data: boolean;
}
interface CallNode extends Node {
  readonly path: Node;
  readonly params: readonly Node[];
  readonly hash?: { readonly pairs: readonly { readonly value: Node }[] };
}
interface BlockNode extends CallNode {
  readonly program?: ProgramNode;
  readonly inverse?: ProgramNode;
}
interface ProgramNode {
  readonly body: readonly Node[];
}

const KNOWN = new Set<string>(TEMPLATE_VARIABLES.map((v) => v.name));
const BUILT_IN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);
/** Inside these the context changes, so names there are not the notice's variables. */
const CONTEXT_CHANGING = new Set(['each', 'with']);

export interface UnknownVariable {
  readonly name: string;
  /** The known variable nearest in spelling, when one is near enough to be a likely typo. */
  readonly suggestion?: string;
  /** A variable of other notices: the ones it has a value in (it would render as nothing in this one). */
  readonly onlyIn?: readonly PatronNotice[];
}

/**
 * The names a template uses that the view does not have, each once, in order of appearance; with
 * `notice`, also the variables of other notices only (`{{reason}}` in a shipped notice).
 */
export function unknownVariables(source: string, notice?: PatronNotice): UnknownVariable[] {
  let program: ProgramNode;
  try {
    program = Handlebars.parse(source) as unknown as ProgramNode;
  } catch {
    return []; // not a template at all: the schema reports that
  }
  const names: string[] = [];
  const isPath = (node: Node): node is PathNode => node.type === 'PathExpression';
  const path = (node: Node) => {
    if (node.type === 'SubExpression') return call(node as CallNode);
    if (!isPath(node) || node.data || node.depth > 0 || node.parts.length === 0) return;
    names.push(node.parts[0]!);
  };
  const call = (node: CallNode) => {
    const head = isPath(node.path) ? node.path.original : undefined;
    if (head === undefined || !BUILT_IN_HELPERS.has(head)) path(node.path);
    else if (node.params.length === 0) names.push(head);
    node.params.forEach(path);
    node.hash?.pairs.forEach((pair) => path(pair.value));
  };
  const walk = (p: ProgramNode | undefined) => {
    for (const statement of p?.body ?? []) {
      if (statement.type === 'MustacheStatement') call(statement as CallNode);
      else if (statement.type === 'BlockStatement') {
        const block = statement as BlockNode;
        call(block);
        const head = isPath(block.path) ? block.path.original : '';
        if (!CONTEXT_CHANGING.has(head)) walk(block.program);
        walk(block.inverse);
      }
    }
  };
  walk(program);
  return [...new Set(names)].flatMap((name): UnknownVariable[] => {
    if (name === 'this') return [];
    const known = TEMPLATE_VARIABLES.find((v) => v.name === name);
    if (known) return notice !== undefined && known.notices !== undefined && !known.notices.includes(notice) ? [{ name, onlyIn: known.notices }] : [];
    const suggestion = nearestVariable(name);
    return [suggestion ? { name, suggestion } : { name }];
  });
}

/** Variables that can be missing from any notice and would leave a gap ("Hi ,"): printed only under their own {{#if}}. */
const GUARDED: ReadonlySet<string> = new Set(['patronName', 'statusUrl']);

/**
 * The names of GUARDED a template prints outside an `{{#if name}}` (or `{{#unless}}`'s else)
 * block for that name: "Hi {{patronName}}," goes out as "Hi ," for a request without one.
 */
export function unguardedVariables(source: string): string[] {
  let program: ProgramNode;
  try {
    program = Handlebars.parse(source) as unknown as ProgramNode;
  } catch {
    return [];
  }
  const found = new Set<string>();
  const nameOf = (node: Node | undefined) => (node && node.type === 'PathExpression' && !(node as PathNode).data ? (node as PathNode).original : undefined);
  const walk = (p: ProgramNode | undefined, guarded: ReadonlySet<string>) => {
    for (const statement of p?.body ?? []) {
      if (statement.type === 'MustacheStatement') {
        const printed = nameOf((statement as CallNode).path);
        if (printed && GUARDED.has(printed) && !guarded.has(printed)) found.add(printed);
      } else if (statement.type === 'BlockStatement') {
        const block = statement as BlockNode;
        const head = nameOf(block.path);
        const tested = nameOf(block.params[0]);
        const with_ = (name: string | undefined) => (name && GUARDED.has(name) ? new Set([...guarded, name]) : guarded);
        if (head !== undefined && CONTEXT_CHANGING.has(head)) continue;
        walk(block.program, head === 'if' ? with_(tested) : guarded);
        walk(block.inverse, head === 'unless' ? with_(tested) : guarded);
      }
    }
  };
  walk(program, new Set());
  return [...found];
}

/** The known name within a third of its length in edits (case ignored), the nearest first. */
export function nearestVariable(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const known of KNOWN) {
    const distance = editDistance(name.toLowerCase(), known.toLowerCase());
    if (distance <= Math.max(1, Math.floor(known.length / 3)) && (!best || distance < best.distance)) best = { name: known, distance };
  }
  return best?.name;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters is one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
