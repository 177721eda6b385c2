/**
 * The state diagrams in src/domain/README.md are generated from the machines' rows
 * (scripts/state-diagrams.ts); this is the check that they still say what the machines do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEGIN, END, README, stateDiagram, stateTable, withStateModels } from '../../../scripts/state-diagrams';
import type { StateModel } from '../../../src/domain/state-models';

function firstDifference(was: string, now: string): string {
  const a = was.split('\n');
  const b = now.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? a.length : i;
  return `first difference at line ${at + 1}:\n  README:    ${a[at] ?? '(end)'}\n  generated: ${b[at] ?? '(end)'}`;
}

/** a -> b on x or y; a stays on z; b is terminal; c closes from every open state. */
const SMALL: StateModel = {
  machine: 'requester',
  initial: ['a'],
  states: [
    { name: 'a', terminal: false, accepts: [{ event: 'x', to: ['b'] }, { event: 'staff:y', to: ['a', 'b'] }, { event: 'z', to: ['a'] }, { event: 'staff:close', to: ['c'] }] },
    { name: 'd', terminal: false, accepts: [{ event: 'x', to: ['a'] }, { event: 'staff:close', to: ['c'] }] },
    { name: 'b', terminal: true, accepts: [] },
    { name: 'c', terminal: true, accepts: [{ event: 'z', to: ['c'] }] },
  ],
};

describe('state diagrams in src/domain/README.md', () => {
  it('show what the machines do now (when not: run `npm run docs:states` and commit the README)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', README), 'utf8');
    const generated = withStateModels(readme);
    if (generated !== readme) throw new Error(`${README} is out of date with the machines: run \`npm run docs:states\` and commit it.\n${firstDifference(readme, generated)}`);
  });

  it('draw one arrow per pair of states with every event between them, leave out events that stay, and note an event every open state has', () => {
    expect(stateDiagram(SMALL).split('\n')).toEqual([
      'stateDiagram-v2',
      '  [*] --> a',
      '  a --> b: x, staff y',
      '  d --> a: x',
      '  note left of c: staff close from every state that has not ended',
      '  b --> [*]',
      '  c --> [*]',
    ]);
  });

  it('list every accepted event of each state, grouped by where it can lead', () => {
    expect(stateTable(SMALL).split('\n')).toEqual([
      '| state | accepts → can lead to |',
      '|---|---|',
      '| a | `x` → b<br>`staff:y` → a, b<br>`z` → a<br>`staff:close` → c |',
      '| d | `x` → a<br>`staff:close` → c |',
      '| b (terminal) | nothing |',
      '| c (terminal) | `z` → c |',
    ]);
  });

  it('are written between the two markers only, and a README without them is refused', () => {
    const out = withStateModels(`# title\n\n${BEGIN}\nold\n${END}\n\nmore text\n`);
    expect(out.startsWith(`# title\n\n${BEGIN}\n`)).toBe(true);
    expect(out.endsWith(`${END}\n\nmore text\n`)).toBe(true);
    expect(out).toContain('```mermaid\nstateDiagram-v2\n  [*] --> new');
    expect(out).not.toContain('\nold\n');
    expect(() => withStateModels('# no markers\n')).toThrow(/marker/);
  });
});
