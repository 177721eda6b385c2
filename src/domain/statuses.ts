/**
 * ISO 18626 supplier statuses (type_status) as the machines order them.
 *
 * The order is CrossLink's `IsTransitionValid` table (crosslink:iso18626/typemappings.go), see
 * shared/protocols/iso18626/NOTES.md §4: forward moves and same-status repeats are allowed,
 * Loaned and Overdue share a rank (they alternate), and a backward move is accepted but ignored.
 */
import type { SupplierStatus } from './types';

export const STATUS_RANK = {
  RequestReceived: 1,
  ExpectToSupply: 2,
  WillSupply: 3,
  RetryPossible: 4,
  Unfilled: 5,
  Loaned: 6,
  Overdue: 6,
  Recalled: 7,
  Cancelled: 8,
  CompletedWithoutReturn: 9,
  CopyCompleted: 10,
  LoanCompleted: 11,
} as const satisfies Record<SupplierStatus, number>;

export const SUPPLIER_STATUSES = Object.keys(STATUS_RANK) as SupplierStatus[];

/** Statuses nothing leaves (NOTES §4). */
export const TERMINAL_STATUSES: ReadonlySet<SupplierStatus> = new Set<SupplierStatus>([
  'RetryPossible',
  'Unfilled',
  'Cancelled',
  'CompletedWithoutReturn',
  'CopyCompleted',
  'LoanCompleted',
]);

/** True when `next` comes before `last` in the status order: a late or out-of-order message. */
export function isBackward(next: SupplierStatus, last: SupplierStatus | undefined): boolean {
  return last !== undefined && STATUS_RANK[next] < STATUS_RANK[last];
}
