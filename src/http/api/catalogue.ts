/** /catalogue: what the library's catalogues know of an item, to fill a request form. */
import { z } from 'zod';
import { lookUpMetadata, metadataLookupSchema } from '../../services/catalogue/metadata-lookup';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { borrowingLibraryFor } from '../../services/staff/requests';
import { apiRoute, type ApiRoute } from './route';
import { catalogueLookupSchema } from './schemas';

const metadataSchema = z.object({
  title: z.string().optional(),
  author: z.string().optional(),
  edition: z.string().optional(),
  publisher: z.string().optional(),
  placeOfPublication: z.string().optional(),
  publicationDate: z.string().optional(),
  isbns: z.array(z.string()),
  issns: z.array(z.string()),
  oclcNumbers: z.array(z.string()),
  recordId: z.string().optional(),
});

const lookupSchema = z
  .object({
    records: z.array(metadataSchema).meta({ description: 'The matching records (at most 10), named as a borrowing request’s bibliographic fields' }),
    source: z.string().optional().meta({ description: 'The catalogue they came from' }),
    lookups: z.array(catalogueLookupSchema),
    reason: z.string().optional().meta({ description: 'Why nothing was found' }),
  })
  .meta({ id: 'MetadataLookup' });

export function catalogueRoutes(deps: LifecycleDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/catalogue/lookup',
      operationId: 'lookUpMetadata',
      summary: 'Look an item up in the library’s catalogues by an identifier',
      description:
        'Asks the library’s own catalogue (settings.catalogue.local) first, then its other sources (or the server’s, CATALOGUE_FILE), for the records with the ISBN (either form), ISSN, OCLC number or record id given, and answers their title, author, edition, publisher, place, date and identifiers. A catalogue that is down or slow is an answer (reason, lookups), not an error. Nothing is stored.',
      tag: 'Directory',
      role: 'staff',
      body: metadataLookupSchema,
      success: { status: 200, description: 'What the catalogues know of it', schema: lookupSchema },
      handle: async ({ body, principal }) => lookUpMetadata(await borrowingLibraryFor(deps, principal, body.library), body, deps.routing?.catalogue),
    }),
  ];
}
