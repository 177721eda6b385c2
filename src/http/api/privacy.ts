/** /patrons/erase: staff erase one patron's details from the library's ended requests. */
import { z } from 'zod';
import { agencySymbolSchema } from '../../domain/symbols';
import { erasePatron } from '../../services/privacy/erasure';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { apiRoute, type ApiRoute } from './route';

const erasePatronInputSchema = z
  .object({
    library: agencySymbolSchema.meta({ description: 'The member library whose patron it is', example: 'ISIL:DK-100' }),
    patronId: z.string().trim().min(1).max(200).meta({ description: 'The patron’s id in the library’s ILS, as its borrowing requests carry it', example: 'P-1001' }),
  })
  .strict();

const patronErasureSchema = z
  .object({
    library: z.string(),
    patronId: z.string(),
    erased: z.array(z.object({ id: z.string(), fields: z.array(z.string()).meta({ description: 'The request data fields that held details (their values are gone)', example: ['patron.id', 'patron.name', 'note'] }) })),
    kept: z
      .array(z.object({ id: z.string(), state: z.string(), reason: z.string() }))
      .meta({ description: 'Open requests of the patron: not erased, since the item must still reach the patron; erase again once they have ended' }),
  })
  .meta({ id: 'PatronErasure' });

export function privacyRoutes(deps: LifecycleDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/patrons/erase',
      operationId: 'erasePatron',
      summary: 'Erase one patron’s details from the library’s ended borrowing requests',
      description:
        'Removes the patron (id, name, e-mail), the request’s note, the patron parts of its kept protocol messages and its mail recipients from every ended borrowing request of the library for that patron id; the requests stay, with their state, dates, partners and audit trail, so statistics do not change. Each request gets `data.patronErased` and a `patron_details_erased` event naming the fields, never their values. Open requests are listed in `kept` and left alone.',
      tag: 'Libraries',
      role: 'admin',
      body: erasePatronInputSchema,
      success: { status: 200, description: 'What was erased, and what was kept', schema: patronErasureSchema },
      handle: ({ body, principal }) => erasePatron(deps, body, principal),
    }),
  ];
}
