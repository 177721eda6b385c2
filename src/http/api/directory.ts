/** /partners: the directory of ISO 18626 partners and their lending policies; /directory-file: all of it as one file, out and in. */
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps';
import { changePartner, createPartner, getPartner, listDirectory, newPartnerSchema, partnerChangesSchema } from '../../services/directory/partners';
import type { Request, Response } from 'express';
import { directoryImportQuerySchema, directoryImportSchema, exportDirectory, importDirectory, type DirectoryImportPlan } from '../../services/directory/directory-import';
import { problemFor } from '../problem';
import { apiRoute, type ApiRoute } from './route';
import { partnerSchema, symbolParams } from './schemas';

const tag = 'Directory';

const fieldProblem = z.object({ path: z.string().meta({ example: 'partners[3].contactEmail' }), message: z.string() });

const importPlanSchema = z
  .object({
    applied: z.boolean().meta({ description: 'false: a dry run, nothing was written' }),
    counts: z.object({ added: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
    entries: z.array(
      z.object({
        kind: z.enum(['library', 'partner']),
        path: z.string().meta({ example: 'partners[0]' }),
        symbol: z.string(),
        outcome: z.enum(['added', 'changed', 'unchanged']),
        changes: z
          .array(z.object({ field: z.string().meta({ example: 'policies.dailyLimit' }), from: z.unknown(), to: z.unknown() }))
          .meta({ description: 'For a changed entry, each field that differs (secrets masked)' }),
      }),
    ),
    rejected: z
      .array(z.object({ path: z.string().meta({ example: 'partners[3]' }), symbol: z.string().nullable(), problems: z.array(fieldProblem) }))
      .meta({ description: 'Entries left out, each with what is wrong and where' }),
  })
  .meta({ id: 'DirectoryImportPlan' });

const NDJSON = 'application/x-ndjson';

const importStreamSchema = z.string().meta({
  description:
    'With `Accept: application/x-ndjson`: one JSON object per line while the file is checked and written, ' +
    '`{"progress":{"phase":"checking"|"writing","done":n,"total":N}}` at least every 250 entries, then a last line ' +
    '`{"plan": <DirectoryImportPlan>}`, or `{"problem": <problem+json body>}` when it fails after the first line went out ' +
    '(a failure before that is an ordinary problem+json answer).',
});

/** The import as NDJSON lines: its progress as it goes, then the plan (or the problem) as the last line. */
async function streamImport(deps: ServiceDeps, body: z.output<typeof directoryImportSchema>, dryRun: boolean, req: Request, res: Response): Promise<void> {
  const line = (value: unknown) => {
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': `${NDJSON}; charset=utf-8`, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    if (!res.destroyed) res.write(`${JSON.stringify(value)}\n`);
  };
  let plan: DirectoryImportPlan;
  try {
    plan = await importDirectory(deps, body, dryRun, (progress) => line({ progress }));
  } catch (err) {
    // Before the first line, the answer is still an ordinary problem.
    if (!res.headersSent) throw err;
    line({ problem: problemFor(err, req).body });
    res.end();
    return;
  }
  line({ plan });
  res.end();
}

function exportRoute(deps: ServiceDeps, format: 'yaml' | 'json'): ApiRoute {
  const contentType = format === 'yaml' ? 'application/yaml' : 'application/json';
  return apiRoute({
    method: 'get',
    path: `/directory-file.${format}`,
    operationId: format === 'yaml' ? 'exportDirectoryYaml' : 'exportDirectoryJson',
    summary: `Export the directory as a ${format.toUpperCase()} file`,
    description: 'Served libraries and partners as a directory file (DIRECTORY_FILE). Secrets are written as "********"; importing the file keeps the stored secrets.',
    tag,
    role: 'read-only',
    allLibraries: true,
    success: { status: 200, description: 'The directory file (a download)', schema: z.string(), contentType },
    stream: async (_ctx, _req, res) => {
      const text = await exportDirectory(deps, format);
      res.attachment(`directory.${format}`).type(contentType).send(text);
    },
  });
}


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
    exportRoute(deps, 'yaml'),
    exportRoute(deps, 'json'),
    apiRoute({
      method: 'post',
      path: '/directory-file/import',
      operationId: 'importDirectory',
      summary: 'Import a directory file',
      description:
        'Each entry is checked on its own, as loading DIRECTORY_FILE checks it, and matched by symbol. With dryRun=true (the default) nothing is written: ' +
        'the answer lists what would be added, changed (field by field) and left alone, and each rejected entry with its path. With dryRun=false the accepted entries are written in one transaction; rejected ones are left out. ' +
        'Ask for `application/x-ndjson` to hear the progress of a large file, line by line, before the plan.',
      tag,
      role: 'admin',
      allLibraries: true,
      query: directoryImportQuerySchema,
      body: directoryImportSchema,
      success: { status: 200, description: 'The plan, and whether it was applied', schema: importPlanSchema },
      problems: [413],
      handle: ({ body, query }) => importDirectory(deps, body, query.dryRun),
      alternative: { contentType: NDJSON, schema: importStreamSchema, stream: ({ body, query }, req, res) => streamImport(deps, body, query.dryRun, req, res) },
    }),
  ];
}
