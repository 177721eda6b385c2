/**
 * The rota as staff read it: every supplier routing considered, in the order they are asked,
 * with its rank, where it stands now, and routing's reason (kept or skipped).
 */
import type { RequestRole } from '../format';
import type { RequestData } from './types';

export type RotaStatus = 'asked_before' | 'current' | 'waiting' | 'skipped';

export interface RotaRow {
  readonly symbol: string;
  readonly rank: number | null;
  readonly status: RotaStatus;
  readonly reason: string | null;
}

/** Requester states before anything was sent: nobody has been asked yet. */
const UNSENT = new Set(['new', 'validated', 'local_review', 'error']);

export function rotaRows(role: RequestRole, state: string, data: RequestData): RotaRow[] {
  if (role === 'supplier') return [];
  const lifecycle = data.lifecycle;
  const rota = lifecycle?.rota ?? [];
  const index = lifecycle?.rotaIndex ?? 0;
  const explanation = data.routing?.explanation ?? [];
  const reasonOf = new Map(explanation.map((v) => [v.symbol, v]));
  const unsent = role === 'requester' && UNSENT.has(state);
  const rows: RotaRow[] = rota.map((entry, i) => ({
    symbol: entry.symbol,
    rank: i + 1,
    status: unsent || i > index ? 'waiting' : i < index ? 'asked_before' : 'current',
    reason: reasonOf.get(entry.symbol)?.reason ?? null,
  }));
  const inRota = new Set(rota.map((e) => e.symbol));
  for (const verdict of explanation) {
    if (!inRota.has(verdict.symbol) && !verdict.kept) rows.push({ symbol: verdict.symbol, rank: null, status: 'skipped', reason: verdict.reason });
  }
  return rows;
}
