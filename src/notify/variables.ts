/**
 * The variables a notice template can use (the fields of ./view.ts's NoticeView, described for
 * the people who write templates) and a check of a template's source against them: Handlebars
 * renders an unknown `{{patronNmae}}` as nothing, so a misspelling would go out silently.
 * Pure: it reads the template's syntax tree, never renders.
 */
import Handlebars from 'handlebars';
import type { NoticeView } from './view';

export interface TemplateVariable {
  readonly name: keyof NoticeView;
  readonly description: string;
}

/** Every field of NoticeView, in the order a template writer looks for them. */
export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'patronName', description: 'The patron’s name, when the request has one' },
  { name: 'item', description: 'The item as one phrase: “Kindred by Butler, Octavia”, “"Article" in Journal”, or by ISBN' },
  { name: 'title', description: 'Title' },
  { name: 'author', description: 'Author' },
  { name: 'articleTitle', description: 'Title of the article or chapter (copies)' },
  { name: 'pickupLocation', description: 'Where to collect it' },
  { name: 'dueDate', description: 'Due date written out (“Monday 1 March 2027”), in the library’s time zone; set once loaned' },
  { name: 'dueDateIso', description: 'Due date as an ISO 8601 timestamp' },
  { name: 'neededBy', description: 'The date the patron needs it by, written out' },
  { name: 'libraryName', description: 'The library’s name' },
  { name: 'reason', description: 'Why the request was cancelled or unfilled, in plain words (cancelled, unfilled)' },
  { name: 'isCopy', description: 'True for a copy (article scan), false for a loan' },
  { name: 'renewals', description: 'How many times the loan has been renewed' },
  { name: 'reference', description: 'The request id the patron can quote' },
  { name: 'notice', description: 'The notice’s name (shipped, due_soon, …)' },
];

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
}

/** The names a template uses that the view does not have, each once, in order of appearance. */
export function unknownVariables(source: string): UnknownVariable[] {
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
  const unknown = [...new Set(names)].filter((n) => n !== 'this' && !KNOWN.has(n));
  return unknown.map((name) => {
    const suggestion = nearestVariable(name);
    return suggestion ? { name, suggestion } : { name };
  });
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
