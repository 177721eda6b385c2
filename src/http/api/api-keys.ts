/** /api-keys: make (shown once), list and revoke the keys of the staff API. */
import { z } from 'zod';
import { createApiKey, listKeys, newApiKeySchema, revokeKey } from '../../services/access/api-keys';
import type { ServiceDeps } from '../../services/deps';
import type { ApiRoute } from './route';
import { apiKeySchema, createdApiKeySchema } from './schemas';

const tag = 'API keys';
const keyParams = z.object({ id: z.string().meta({ description: 'API key id (uuid)' }) });

export function apiKeyRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/api-keys',
      operationId: 'createApiKey',
      summary: 'Make an API key',
      description: 'The answer holds the key itself, this once; only its hash is kept. A key for one library makes keys for that library only.',
      tag,
      role: 'admin',
      body: newApiKeySchema,
      success: { status: 201, description: 'The key, shown once', schema: createdApiKeySchema },
      handle: ({ body, principal }) => createApiKey(deps, body, principal),
    },
    {
      method: 'get',
      path: '/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys',
      tag,
      role: 'admin',
      success: { status: 200, description: 'Keys, newest first (never the keys themselves)', schema: z.array(apiKeySchema) },
      handle: ({ principal }) => listKeys(deps, principal),
    },
    {
      method: 'delete',
      path: '/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'The key stops working at once; it stays in the list with `revokedAt`.',
      tag,
      role: 'admin',
      params: keyParams,
      success: { status: 200, description: 'The revoked key', schema: apiKeySchema },
      handle: ({ params, principal }) => revokeKey(deps, params.id!, principal),
    },
  ];
}
