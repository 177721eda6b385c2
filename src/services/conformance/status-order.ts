/**
 * Whether a partner's statuses for one transaction came in an order ISO 18626 allows, by the
 * order the machines use (src/domain/statuses.ts): forward moves and repeats are fine, Loaned and
 * Overdue alternate, nothing follows a terminal status but itself. Pure.
 */
import { STATUS_RANK, TERMINAL_STATUSES, isBackward } from '../../domain/statuses';
import type { SupplierStatus } from '../../domain/types';

export interface StatusOrder {
  readonly allowed: boolean;
  /** In plain words, one per move the standard does not allow. */
  readonly problems: readonly string[];
}

export function statusOrder(statuses: readonly SupplierStatus[]): StatusOrder {
  const problems: string[] = [];
  let last: SupplierStatus | undefined;
  for (const status of statuses) {
    if (last !== undefined && TERMINAL_STATUSES.has(last) && status !== last) problems.push(`${status} came after ${last}, which ends a transaction`);
    else if (isBackward(status, last)) problems.push(`${status} came after ${last}, a step back`);
    if (last === undefined || STATUS_RANK[status] >= STATUS_RANK[last]) last = status;
  }
  return { allowed: problems.length === 0, problems };
}
