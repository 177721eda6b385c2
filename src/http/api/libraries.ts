/** /libraries: the member libraries served here and their settings. */
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps';
import { changeLibrary, createLibrary, getLibrary, libraryChangesSchema, listServedLibraries, newLibrarySchema } from '../../services/directory/libraries';
import { ncipTestInputSchema, testNcipConnection } from '../../services/ncip/connection-test';
import { apiRoute, type ApiRoute } from './route';
import { librarySchema, symbolParams } from './schemas';

const tag = 'Libraries';

const ncipTestResultSchema = z
  .object({
    url: z.string(),
    reachable: z.boolean().meta({ description: 'Something answered over HTTP at the address' }),
    timeoutMs: z.number().int(),
    steps: z.array(
      z.object({
        service: z.enum(['LookupVersion', 'LookupUser']),
        ok: z.boolean(),
        message: z.string().meta({ description: 'What came back, in plain words' }),
        versions: z.array(z.string()).optional(),
        services: z.array(z.string()).optional(),
        patron: z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional(), blocked: z.boolean(), blockReasons: z.array(z.string()) }).optional(),
      }),
    ),
    exchanges: z.array(
      z.object({
        service: z.string(),
        url: z.string(),
        durationMs: z.number(),
        requestXml: z.string(),
        responseXml: z.string().optional(),
        httpStatus: z.number().int().optional(),
        outcome: z.enum(['ok', 'refused', 'transient']),
      }),
    ),
  })
  .meta({ id: 'NcipTestResult' });

export function libraryRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/libraries',
      operationId: 'listLibraries',
      summary: 'List the member libraries served here',
      description: 'A key for one library sees that library only.',
      tag,
      role: 'read-only',
      success: { status: 200, description: 'Libraries by symbol (secrets masked)', schema: z.array(librarySchema) },
      handle: ({ principal }) => listServedLibraries(deps, principal),
    },
    {
      method: 'post',
      path: '/libraries',
      operationId: 'createLibrary',
      summary: 'Serve a new member library',
      tag,
      role: 'admin',
      allLibraries: true,
      body: newLibrarySchema,
      success: { status: 201, description: 'The library as stored (secrets masked)', schema: librarySchema },
      problems: [409],
      location: (body) => `/libraries/${encodeURIComponent((body as { symbol: string }).symbol)}`,
      handle: ({ body }) => createLibrary(deps, body),
    },
    {
      method: 'get',
      path: '/libraries/{symbol}',
      operationId: 'getLibrary',
      summary: 'Read a library and its settings',
      tag,
      role: 'read-only',
      params: symbolParams,
      success: { status: 200, description: 'The library (secrets masked)', schema: librarySchema },
      handle: ({ params, principal }) => getLibrary(deps, params.symbol!, principal),
    },
    {
      method: 'patch',
      path: '/libraries/{symbol}',
      operationId: 'updateLibrary',
      summary: 'Change a library’s name or settings',
      description:
        'Each settings part given (ncip, ncipResponder, mail, pickupLocations, broker, routing, lending, catalogue) replaces the stored one; null removes it; parts not mentioned stay. Each part is checked with the schema its reader uses, the same as the directory file at start.',
      tag,
      role: 'admin',
      params: symbolParams,
      body: libraryChangesSchema,
      success: { status: 200, description: 'The library as stored (secrets masked)', schema: librarySchema },
      handle: ({ params, body, principal }) => changeLibrary(deps, params.symbol!, body, principal),
    },
    apiRoute({
      method: 'post',
      path: '/libraries/{symbol}/ncip-test',
      operationId: 'testLibraryNcip',
      summary: 'Test the connection to the library’s ILS',
      description:
        'Sends LookupVersion and, with patronId, LookupUser to the ILS with the stored NCIP settings or the ones given (not saved), with a timeout of at most 8 s, even while NCIP is switched off. An unreachable or refusing ILS is the answer (200), told in plain words with the raw exchange.',
      tag,
      role: 'admin',
      params: symbolParams,
      body: ncipTestInputSchema,
      success: { status: 200, description: 'What the ILS answered', schema: ncipTestResultSchema },
      handle: ({ params, body, principal }) => testNcipConnection(deps, params.symbol!, body, principal),
    }),
  ];
}
