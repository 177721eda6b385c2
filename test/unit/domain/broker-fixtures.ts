/**
 * A brokered transaction in each hub state (as it would look after the usual path there), for the
 * table-driven tests. The hub asks ISIL:S2, the second of three suppliers.
 */
import type { BrokerState } from '../../../src/domain/broker';
import type { Lifecycle } from '../../../src/domain/types';

export const DUE = '2026-10-01T00:00:00Z';
export const NEW_DUE = '2026-11-01T00:00:00Z';
export const ctx = { at: new Date('2026-09-01T10:00:00Z'), supplierTimeoutMs: 3 * 86_400_000 };
export const rota = [{ symbol: 'ISIL:S1' }, { symbol: 'ISIL:S2' }, { symbol: 'ISIL:S3' }];
export const base: Lifecycle = { serviceType: 'Loan', rota, rotaIndex: 1 };
const loaned: Lifecycle = { ...base, lastStatus: 'Loaned', dueDate: DUE };

export const AT: Record<BrokerState, Lifecycle> = {
  searching: base,
  expect_to_supply: { ...base, lastStatus: 'ExpectToSupply' },
  will_supply: { ...base, lastStatus: 'WillSupply' },
  conditional: { ...base, lastStatus: 'WillSupply', loanConditions: ['LibraryUseOnly'] },
  cancel_pending: { ...base, lastStatus: 'WillSupply', resumeState: 'will_supply' },
  retry_offered: { ...base, lastStatus: 'RetryPossible', retryOffer: { reason: 'OnLoan', retryBefore: '2026-09-20T00:00:00Z', supplier: 'ISIL:S2', at: '2026-09-01T09:00:00.000Z' } },
  shipped: loaned,
  returned: loaned,
  complete: { ...loaned, lastStatus: 'LoanCompleted' },
  cancelled: { ...base, lastStatus: 'Cancelled' },
  unfilled: { ...base, rotaIndex: 2, lastStatus: 'Unfilled', reason: 'rota exhausted' },
  closed: { ...base, lastStatus: 'WillSupply' },
};
