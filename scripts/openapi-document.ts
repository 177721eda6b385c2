/**
 * Prints the staff API's OpenAPI document, built from the route table exactly as the server
 * serves it at /api/v1/openapi.json, without starting a server (`npm run api:types` types the
 * web client from it). The handlers are never called, so they get no dependencies.
 */
import { apiRoutes, type ApiDeps } from '../src/http/api';
import { openApiDocument } from '../src/http/api/document';

process.stdout.write(`${JSON.stringify(openApiDocument(apiRoutes({} as ApiDeps)))}\n`);
