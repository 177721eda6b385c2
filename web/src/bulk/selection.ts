/**
 * The rows staff have ticked, kept across pages of one list (pick 25 here, 25 on the next page)
 * and dropped when the list itself changes (other filters, another queue). Rows are kept as they
 * were read: their version is what the bulk action is based on.
 */
import { useCallback, useState } from 'react';
import type { RequestRow } from '../components/requests';

export interface Selection {
  readonly rows: readonly RequestRow[];
  readonly has: (id: string) => boolean;
  readonly toggle: (row: RequestRow) => void;
  /** Ticks or unticks every row given (the page's "select all"). */
  readonly setAll: (rows: readonly RequestRow[], on: boolean) => void;
  readonly drop: (ids: readonly string[]) => void;
  readonly clear: () => void;
}

export function useSelection(listKey: string): Selection {
  const [state, setState] = useState<{ readonly key: string; readonly rows: ReadonlyMap<string, RequestRow> }>({ key: listKey, rows: new Map() });
  // Another list: the ticks of the one before do not follow.
  const rows = state.key === listKey ? state.rows : new Map<string, RequestRow>();
  const update = useCallback(
    (change: (rows: Map<string, RequestRow>) => void) =>
      setState((before) => {
        const next = new Map(before.key === listKey ? before.rows : []);
        change(next);
        return { key: listKey, rows: next };
      }),
    [listKey],
  );
  return {
    rows: [...rows.values()],
    has: (id) => rows.has(id),
    toggle: (row) => update((m) => (m.has(row.id) ? m.delete(row.id) : m.set(row.id, row))),
    setAll: (page, on) => update((m) => page.forEach((row) => (on ? m.set(row.id, row) : m.delete(row.id)))),
    drop: (ids) => update((m) => ids.forEach((id) => m.delete(id))),
    clear: () => update((m) => m.clear()),
  };
}
