/** The OpenAPI 3.1 document, built from the route table and the zod schemas the routes validate with. */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { API_BASE, isPublic, type AnyRoute } from './route';
import { problemSchema } from './schemas';

const PROBLEM_TITLES: Readonly<Record<number, string>> = {
  400: 'The input is not valid: `errors` lists each bad field',
  401: 'No API key or session, an unknown or revoked key, or an ended session (sign-in: a wrong username or password)',
  403: 'The role or library of the key or user does not allow this, or a change came with the session cookie from another site',
  404: 'Not found, or not visible to this key (another library’s request answers 404, not 403)',
  409: 'Conflict: someone changed it first (stale `version`), the action does not fit the state, or it exists already',
  413: 'The body is too large',
  429: 'Too many failed authentications from this address',
  503: 'Something the answer depends on (the library’s ILS, the mail server) does not answer now; try again later (Retry-After)',
};

const problem = (status: number) => ({ description: PROBLEM_TITLES[status]!, content: { 'application/problem+json': { schema: problemSchema } } });

function operation(route: AnyRoute): ZodOpenApiOperationObject {
  if (isPublic(route)) {
    return {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: [],
      responses: { 200: { description: route.summary, content: { [route.contentType]: { schema: { type: 'string' } } } } },
    };
  }
  const anonymous = route.access === 'anonymous';
  const patron = route.access === 'patron';
  const statuses = new Set<number>([...(anonymous ? (route.method === 'get' ? [] : [403]) : [401, 403]), 429, ...(route.problems ?? [])]);
  if (route.query || route.body) statuses.add(400);
  if (route.params) statuses.add(404);
  if (route.body) statuses.add(413);
  const responses: ZodOpenApiResponsesObject = {
    [route.success.status]: route.success.schema
      ? {
          description: route.success.description,
          content: {
            [route.success.contentType ?? 'application/json']: { schema: route.success.schema },
            ...(route.alternative ? { [route.alternative.contentType]: { schema: route.alternative.schema } } : {}),
          },
        }
      : { description: route.success.description },
  };
  for (const status of [...statuses].sort()) responses[String(status) as `${1 | 2 | 3 | 4 | 5}${string}`] = problem(status);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.params || route.query ? { requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) } } : {}),
    // A body whose schema takes no body at all (every field defaulted) may be left out.
    ...(route.body ? { requestBody: { required: !route.body.safeParse(undefined).success, content: { 'application/json': { schema: route.body } } } } : {}),
    ...(anonymous ? { security: [] } : patron ? { security: [{ patronSession: [] }], 'x-patron': true } : route.access === 'person' ? { security: [{ session: [] }], 'x-signed-in-person': true } : { 'x-required-role': route.role }),
    ...(route.allLibraries ? { 'x-all-libraries-key': true } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly AnyRoute[]): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'ILL broker staff API',
      version: '1',
      description:
        'JSON API for ILL staff and integrations. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`), or sign in ' +
        '(`POST /session`) and send the `ill_session` cookie; a change sent with the cookie must come from this server’s own pages (`Sec-Fetch-Site: same-origin`). ' +
        'Roles: admin (everything), staff (requests; reads directory and settings), read-only (GET only). ' +
        'A key acts for one member library or for all; another library’s request is answered 404. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer ill_...`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        session: { type: 'apiKey', in: 'cookie', name: 'ill_session', description: 'The session of a signed-in person (POST /session sets it)' },
        patronSession: { type: 'apiKey', in: 'cookie', name: 'ill_patron', description: 'The session of a signed-in patron (the patron sign-in routes set it); it reaches only the /patron routes' },
      },
    },
    paths,
  });
}
