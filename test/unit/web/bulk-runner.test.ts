/**
 * A batch of rows acted on together: each row sent on its own, a few at a time, each keeping its
 * own outcome (done, changed meanwhile, refused with the server's reason, or skipped because the
 * row does not offer the action), and progress reported as rows finish.
 */
import { type BulkOutcome, type BulkProgress, type BulkRow, offeredBulkActions, runBulk, tally } from '../../../web/src/bulk/runner';

const row = (id: string, actions: string[] = ['ship']): BulkRow => ({ id, version: 3, actions });

/** A `perform` whose calls stay open until the test settles them, so what is in flight can be seen. */
function controlledPerform() {
  const open = new Map<string, { resolve: () => void; reject: (e: unknown) => void }>();
  const calls: string[] = [];
  let peak = 0;
  const perform = (r: BulkRow) =>
    new Promise<void>((resolve, reject) => {
      calls.push(r.id);
      open.set(r.id, { resolve, reject });
      peak = Math.max(peak, open.size);
    }).finally(() => open.delete(r.id));
  return { perform, open, calls, peak: () => peak };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const outcomeOf = (error: unknown): BulkOutcome => (error === 409 ? { kind: 'changed' } : { kind: 'refused', reason: String(error) });

describe('running a bulk action', () => {
  it('sends at most four rows at a time and starts the next as one finishes', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(`r${i}`));
    const c = controlledPerform();
    const finished = runBulk({ rows, action: 'ship', perform: c.perform, outcomeOf });
    await flush();
    expect(c.calls).toEqual(['r0', 'r1', 'r2', 'r3']);
    c.open.get('r1')!.resolve();
    await flush();
    expect(c.calls).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    while (c.open.size > 0) {
      for (const call of [...c.open.values()]) call.resolve();
      await flush();
    }
    const result = await finished;
    expect(c.peak()).toBe(4);
    expect(c.calls).toHaveLength(10);
    expect(tally(result.outcomes)).toEqual({ done: 10, changed: 0, refused: 0, skipped: 0 });
  });

  it('keeps each row’s outcome: a 409 is "changed meanwhile", a refusal keeps the server’s reason, the rest go on', async () => {
    const rows = [row('a'), row('b'), row('c')];
    const perform = async (r: BulkRow) => {
      if (r.id === 'a') throw 409;
      if (r.id === 'b') throw 'ship is not offered in state shipped';
    };
    const result = await runBulk({ rows, action: 'ship', perform, outcomeOf });
    expect(Object.fromEntries(result.outcomes)).toEqual({ a: { kind: 'changed' }, b: { kind: 'refused', reason: 'ship is not offered in state shipped' }, c: { kind: 'done' } });
  });

  it('skips rows that do not offer the action without sending them, and says so', async () => {
    const sent: string[] = [];
    const rows = [row('ship-me'), row('picked-already', ['check_in']), row('also', ['ship', 'cancel'])];
    const result = await runBulk({ rows, action: 'ship', perform: async (r) => void sent.push(r.id), outcomeOf });
    expect(sent).toEqual(['ship-me', 'also']);
    expect(result.outcomes.get('picked-already')).toEqual({ kind: 'skipped' });
    expect(tally(result.outcomes)).toEqual({ done: 2, changed: 0, refused: 0, skipped: 1 });
  });

  it('reports progress as rows finish, ending at the total', async () => {
    const seen: number[] = [];
    const rows = [row('x', []), row('y'), row('z')];
    await runBulk({ rows, action: 'ship', perform: async () => undefined, outcomeOf, onProgress: (p: BulkProgress) => seen.push(p.finished) });
    expect(seen[0]).toBe(1);
    expect(seen[seen.length - 1]).toBe(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('offers in the bar the batch actions at least one selected row allows', () => {
    expect(offeredBulkActions([row('a', ['check_in', 'cancel']), row('b', ['ship', 'note'])])).toEqual(['ship', 'check_in']);
    expect(offeredBulkActions([row('a', ['cancel'])])).toEqual([]);
  });
});
