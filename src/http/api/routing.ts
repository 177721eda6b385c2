/** /routing: what routing would do with a request, without making one. */
import { z } from 'zod';
import { ROUTING_STRATEGIES } from '../../domain/routing';
import { DEFAULT_ROUTING, type LifecycleDeps } from '../../services/pipeline/pipeline';
import { dryRunRouting, routingQuerySchema, type RoutingQuery } from '../../services/borrowing/routing';
import { borrowingLibraryFor } from '../../services/staff/requests';
import type { ApiRoute } from './route';
import { catalogueLookupSchema } from './schemas';

const rotaEntry = z.object({ symbol: z.string(), localId: z.string().optional(), callNumber: z.string().optional() });
const routingPlanSchema = z
  .object({
    library: z.string().meta({ description: 'The borrowing library routed for' }),
    strategy: z.enum(ROUTING_STRATEGIES),
    rota: z.array(rotaEntry).meta({ description: 'The suppliers in the order they would be asked' }),
    explanation: z
      .array(z.object({ symbol: z.string(), kept: z.boolean(), rank: z.number().int().optional(), reason: z.string() }))
      .meta({ description: 'Every supplier considered: its rank and why, or why it was dropped' }),
    holdings: z
      .object({
        outcome: z.enum(['holders', 'directory']),
        reason: z.string().optional(),
        lookups: z.array(catalogueLookupSchema),
        holders: z.array(z.object({ symbol: z.string().optional(), codes: z.array(z.string()), kept: z.boolean(), reason: z.string() })),
      })
      .optional()
      .meta({ description: 'When the library’s catalogues were asked who holds the item: what each was asked and said, and every holder kept or skipped. outcome "directory": no holder could serve, so the directory was routed instead (reason says why)' }),
    local: z
      .object({
        held: z.boolean(),
        copies: z.array(z.object({ code: z.string(), location: z.string().optional(), callNumber: z.string().optional(), itemId: z.string().optional(), availableCopies: z.number().int().optional() })),
        lookup: catalogueLookupSchema,
      })
      .optional()
      .meta({ description: 'When the library has its own catalogue (settings.catalogue.local): held true means an available copy there, and a new request would wait for staff to fill it locally (state local_review) before any lender is asked' }),
  })
  .meta({ id: 'RoutingPlan' });

export function routingRoutes(deps: LifecycleDeps): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/routing/dry-run',
      operationId: 'routingDryRun',
      summary: 'Show the rota a borrowing request would get, and why',
      description: 'Applies the directory, the lending policies and the routing strategy exactly as a new request would, and stores nothing.',
      tag: 'Directory',
      role: 'staff',
      body: routingQuerySchema,
      success: { status: 200, description: 'The rota and its explanation', schema: routingPlanSchema },
      handle: async ({ body, principal }) => {
        const query = routingQuerySchema.parse(body) as RoutingQuery;
        const library = await borrowingLibraryFor(deps, principal, query.library);
        const { plan, holdings, local } = await dryRunRouting(deps, library, query, deps.routing ?? DEFAULT_ROUTING, deps.now());
        return { library: library.symbol, ...plan, ...(holdings ? { holdings } : {}), ...(local ? { local } : {}) };
      },
    },
  ];
}
