/** /libraries: the member libraries served here and their settings. */
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps';
import { changeLibrary, createLibrary, getLibrary, libraryChangesSchema, listServedLibraries, newLibrarySchema } from '../../services/directory/libraries';
import type { ApiRoute } from './route';
import { librarySchema, symbolParams } from './schemas';

const tag = 'Libraries';

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
        'Each settings part given (ncip, ncipResponder, mail, pickupLocations, broker, routing, lending) replaces the stored one; null removes it; parts not mentioned stay. Each part is checked with the schema its reader uses, the same as the directory file at start.',
      tag,
      role: 'admin',
      params: symbolParams,
      body: libraryChangesSchema,
      success: { status: 200, description: 'The library as stored (secrets masked)', schema: librarySchema },
      handle: ({ params, body, principal }) => changeLibrary(deps, params.symbol!, body, principal),
    },
  ];
}
