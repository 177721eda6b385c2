/**
 * The job handlers of this installation, by queue and job name. Each feature that produces
 * outbox rows registers its consumer here. A row whose job name has no handler goes dead at
 * once, visible to staff, rather than waiting.
 */
import { supplierTimeoutEvent } from '../src/services/broker';
import { JOBS } from '../src/services/effects';
import { deliverOutboxRow, type DeliveryDeps } from '../src/services/iso18626-delivery';
import { applyEvent } from '../src/services/lifecycle';
import { carryOutNcipCall } from '../src/services/ncip-circulation';
import type { JobHandlers } from './runner';

export type HandlerDeps = DeliveryDeps;

export function jobHandlers(deps: HandlerDeps): JobHandlers {
  return {
    delivery: {
      [JOBS.send]: ({ row }) => deliverOutboxRow(deps, row),
    },
    // Calls to the member library's ILS; a Problem goes dead (needs attention), the rest retries.
    ncip: {
      [JOBS.ncip]: ({ row }) => carryOutNcipCall(deps, row),
    },
    timers: {
      // A stale timer (the request moved on) is a no-op decision in the machine.
      [JOBS.supplierAnswer]: async ({ row }) => {
        const { rotaIndex } = row.payload as { rotaIndex: number };
        // A borrowing request or a broker hub's transaction, each by its own machine.
        await applyEvent(deps, row.requestId!, await supplierTimeoutEvent(deps.db, row.requestId!, rotaIndex), { actor: 'system:timer' });
      },
    },
  };
}
