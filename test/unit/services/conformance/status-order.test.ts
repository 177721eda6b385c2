/** The order of a partner's statuses for one transaction, as ISO 18626 allows it (src/domain/statuses.ts). */
import { statusOrder } from '../../../../src/services/conformance/status-order';
import type { SupplierStatus } from '../../../../src/domain/types';

describe('statusOrder', () => {
  it.each<[string, SupplierStatus[]]>([
    ['nothing yet', []],
    ['forward moves', ['RequestReceived', 'ExpectToSupply', 'WillSupply', 'Loaned', 'LoanCompleted']],
    ['a repeated status', ['ExpectToSupply', 'ExpectToSupply', 'Cancelled']],
    ['Loaned and Overdue alternating', ['Loaned', 'Overdue', 'Loaned', 'Overdue', 'LoanCompleted']],
    ['a status skipped', ['RequestReceived', 'Loaned']],
    ['a cancel answered at once', ['Cancelled']],
  ])('allows %s', (_name, statuses) => {
    expect(statusOrder(statuses)).toEqual({ allowed: true, problems: [] });
  });

  it.each<[string, SupplierStatus[], string[]]>([
    ['a step back', ['WillSupply', 'ExpectToSupply'], ['ExpectToSupply came after WillSupply, a step back']],
    ['a status after one that ends the transaction', ['Cancelled', 'Loaned'], ['Loaned came after Cancelled, which ends a transaction']],
    ['a step back after a forward move, judged against the furthest status', ['ExpectToSupply', 'Loaned', 'WillSupply', 'Overdue'], ['WillSupply came after Loaned, a step back']],
  ])('refuses %s', (_name, statuses, problems) => {
    expect(statusOrder(statuses)).toEqual({ allowed: false, problems });
  });
});
