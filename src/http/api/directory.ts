/** /partners: the directory of ISO 18626 partners and their lending policies. */
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps';
import { changePartner, createPartner, getPartner, listDirectory, newPartnerSchema, partnerChangesSchema } from '../../services/directory/partners';
import type { ApiRoute } from './route';
import { partnerSchema, symbolParams } from './schemas';

const tag = 'Directory';

export function directoryRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/partners',
      operationId: 'listPartners',
      summary: 'List the partner directory',
      tag,
      role: 'read-only',
      success: { status: 200, description: 'Every partner, by symbol', schema: z.array(partnerSchema) },
      handle: () => listDirectory(deps),
    },
    {
      method: 'post',
      path: '/partners',
      operationId: 'createPartner',
      summary: 'Add a partner to the directory',
      tag,
      role: 'admin',
      allLibraries: true,
      body: newPartnerSchema,
      success: { status: 201, description: 'The partner as stored (secrets masked)', schema: partnerSchema },
      problems: [409],
      location: (body) => `/partners/${encodeURIComponent((body as { symbol: string }).symbol)}`,
      handle: ({ body }) => createPartner(deps, body),
    },
    {
      method: 'get',
      path: '/partners/{symbol}',
      operationId: 'getPartner',
      summary: 'Read a partner',
      tag,
      role: 'read-only',
      params: symbolParams,
      success: { status: 200, description: 'The partner (secrets masked)', schema: partnerSchema },
      handle: ({ params }) => getPartner(deps, params.symbol!),
    },
    {
      method: 'patch',
      path: '/partners/{symbol}',
      operationId: 'updatePartner',
      summary: 'Change a partner',
      description: 'Fields given replace the stored ones; `auth` and `policies` are replaced as whole objects. A secret sent as "********" keeps the stored one.',
      tag,
      role: 'admin',
      allLibraries: true,
      params: symbolParams,
      body: partnerChangesSchema,
      success: { status: 200, description: 'The partner as stored (secrets masked)', schema: partnerSchema },
      handle: ({ params, body }) => changePartner(deps, params.symbol!, body),
    },
  ];
}
