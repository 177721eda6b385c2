/**
 * What the statistics count, as data the queries are built from: which audit events start and
 * end each interval, which end states count as filled, unfilled or cancelled. Each side reads its
 * own machine's states (src/domain/*-states.ts); the README's "Statistics" section says the same
 * in words.
 */
import type { RequesterState } from '../domain/requester-states';
import type { SupplierState } from '../domain/supplier-states';

export const STATISTICS_ROLES = ['borrowing', 'lending'] as const;
export type StatisticsRole = (typeof STATISTICS_ROLES)[number];

/** The requests table's role for each side. */
export const REQUEST_ROLE = { borrowing: 'requester', lending: 'supplier' } as const satisfies Record<StatisticsRole, string>;

export interface SideDefinition {
  /** End states that are "unfilled" (the request ended without the item or copy). */
  readonly unfilled: readonly string[];
  /** End states that are "cancelled" (ended on the requester's wish, counted neither way in the fill rate). */
  readonly cancelled: readonly string[];
  /** States the item is back in, or on its way back: the end of the loan. */
  readonly returned: readonly string[];
}

export const BORROWING: SideDefinition = {
  unfilled: ['unfilled'] satisfies RequesterState[],
  cancelled: ['cancelled', 'closed'] satisfies RequesterState[],
  returned: ['shipped_return'] satisfies RequesterState[],
};

export const LENDING: SideDefinition = {
  // RetryPossible ends the transaction (a Retry is a new one): not supplied as asked.
  unfilled: ['unfilled', 'retry_offered'] satisfies SupplierState[],
  cancelled: ['cancelled'] satisfies SupplierState[],
  returned: ['returned_by_borrower', 'checked_in'] satisfies SupplierState[],
};

export const SIDES: Record<StatisticsRole, SideDefinition> = { borrowing: BORROWING, lending: LENDING };
