/** /queues: the staff's work queues with their counts; a queue's requests are GET /requests?queue=<id>. */
import { z } from 'zod';
import { QUEUE_IDS } from '../../domain/queues';
import type { ServiceDeps } from '../../services/deps';
import { listQueues } from '../../services/staff/queues';
import { apiRoute, type ApiRoute } from './route';

const queueSchema = z
  .object({
    id: z.enum(QUEUE_IDS),
    role: z.enum(['requester', 'supplier', 'broker']),
    count: z.number().int().min(0),
    rowAction: z.string().nullable().meta({ description: 'The staff action most often taken on a row, when the row offers it (its `actions`); null where staff mostly wait' }),
  })
  .meta({ id: 'Queue' });

export const queueListSchema = z.object({ queues: z.array(queueSchema) }).meta({ id: 'QueueList' });

export function queueRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/queues',
      operationId: 'listQueues',
      summary: 'List the work queues with their counts',
      description:
        'Borrowing, lending and broker queues, in the order staff work through them, each with how many of the key’s requests it holds now. ' +
        'A request can be in several (a loan past its due date is on loan and overdue; a flagged one is also in needs attention). ' +
        'List one with `GET /requests?queue=<id>`.',
      tag: 'Requests',
      role: 'read-only',
      success: { status: 200, description: 'Every queue, with its count in the key’s library scope', schema: queueListSchema },
      handle: ({ principal }) => listQueues(deps, principal),
    }),
  ];
}
