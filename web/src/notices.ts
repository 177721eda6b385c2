/** The patron notices the server sends (src/domain/types.ts PATRON_NOTICES), in its order. */
export const PATRON_NOTICES = ['request_received', 'shipped', 'ready_for_pickup', 'due_soon', 'overdue', 'recalled', 'renewed', 'renew_refused', 'cancelled', 'unfilled', 'delivered', 'filled_locally'] as const;
export type PatronNotice = (typeof PATRON_NOTICES)[number];
export const isPatronNotice = (n: string): n is PatronNotice => (PATRON_NOTICES as readonly string[]).includes(n);
