/** /patron/requests, /patron/citation, /patron/status: the patron's requests, the OpenURL form's citation, and the status links of patron mail. */
import { z } from 'zod';
import { PATRON_ACTIONS, PATRON_PHASES } from '../../domain/patron-status';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { citationFromQuery } from '../../services/patrons/citation';
import { cancelPatronRequest, createPatronRequest, getPatronRequest, listPatronRequests, patronRequestInputSchema, renewPatronRequest } from '../../services/patrons/requests';
import { PATRON_LANGUAGES } from '../../services/patrons/settings';
import { statusPageOf } from '../../services/patrons/status-link';
import { anonymousRoute, patronRoute, type ApiRoute } from './route';
import { idParams } from './schemas';

const tag = 'Patrons';
const instant = z.iso.datetime({ offset: true });
const text = z.string();

export const patronRequestSchema = z
  .object({
    id: z.uuid(),
    requestNumber: text.meta({ description: 'The number the patron quotes to staff (in every patron mail): the library’s count of its requests', example: '1042' }),
    kind: z.enum(['loan', 'copy']),
    title: text,
    author: text.optional(),
    articleTitle: text.optional().meta({ description: 'Copies: the article or chapter, in the journal or book named by title' }),
    phase: z.enum(PATRON_PHASES).meta({
      description:
        'Where the request is, in the patron’s words: submitted (with the library), searching (being asked of lending libraries), held_locally (the library’s own copy is set aside), on_the_way (shipped), ready_for_pickup, on_loan, returned (on its way back), delivered (a copy), completed, cancelled, unfilled',
    }),
    recalled: z.boolean().meta({ description: 'The lender wants the item back early' }),
    overdue: z.boolean().meta({ description: 'The due date has passed while the patron has the item' }),
    renewalPending: z.boolean().meta({ description: 'A renewal was asked for; the lender has not answered yet' }),
    cancelRequested: z.boolean().meta({ description: 'A cancel was asked for; the lender has not answered yet' }),
    createdAt: instant,
    neededBy: text.optional().meta({ description: 'The last day the patron still wants it (YYYY-MM-DD)' }),
    pickupLocation: z.object({ code: text, name: text, address: text.optional() }).optional(),
    dueDate: text.optional().meta({ description: 'While on its way, ready or on loan: when the loan is due back (ISO 8601)' }),
    shippedAt: instant.optional(),
    endedAt: instant.optional(),
    actions: z.array(z.enum(PATRON_ACTIONS)).meta({ description: 'What the patron may do now: cancel (before the item is shipped), renew (on loan)' }),
  })
  .meta({ id: 'PatronRequest' });

const patronRequestListSchema = z.object({ items: z.array(patronRequestSchema).meta({ description: 'Newest first: the open ones and those ended in the last year' }) }).meta({ id: 'PatronRequestList' });

const maybe = text.optional();
const citationSchema = z
  .object({
    kind: z.enum(['book', 'chapter', 'article', 'journal', 'unknown']),
    serviceType: z.enum(['Loan', 'Copy']),
    bibliographic: z.object({
      title: maybe,
      author: maybe,
      titleOfComponent: maybe,
      authorOfComponent: maybe,
      edition: maybe,
      volume: maybe,
      issue: maybe,
      pagesRequested: maybe,
      publisher: maybe,
      placeOfPublication: maybe,
      publicationDate: maybe,
      isbn: maybe,
      issn: maybe,
      oclcNumber: maybe,
      doi: maybe,
    }),
    pmid: maybe,
    referrer: maybe.meta({ description: 'rfr_id (1.0) or sid (0.1)', example: 'primo.exlibrisgroup.com' }),
    version: z.enum(['1.0', '0.1']),
  })
  .meta({ id: 'Citation' });

const citationFormSchema = z
  .object({
    kind: z.enum(['loan', 'copy']),
    title: maybe,
    author: maybe,
    isbn: maybe,
    issn: maybe,
    oclcNumber: maybe,
    doi: maybe,
    pmid: maybe,
    publisher: maybe,
    placeOfPublication: maybe,
    publicationDate: maybe,
    edition: maybe,
    articleTitle: maybe,
    articleAuthor: maybe,
    volume: maybe,
    issue: maybe,
    pages: maybe,
    referrer: maybe,
  })
  .meta({ id: 'CitationForm', description: 'The fields of POST /patron/requests the citation fills' });

const statusPageSchema = z
  .object({
    library: z.object({ symbol: text, name: text, language: z.enum(PATRON_LANGUAGES) }),
    request: patronRequestSchema.meta({ description: 'The request the link is for; its actions are always empty (the link only reads)' }),
  })
  .meta({ id: 'PatronStatusPage' });

const tokenParams = z.object({ token: z.string().meta({ description: 'The token of the status link in a patron mail' }) });

export function patronRequestRoutes(deps: LifecycleDeps): ApiRoute[] {
  return [
    patronRoute({
      method: 'get',
      path: '/patron/requests',
      operationId: 'listPatronRequests',
      summary: 'The signed-in patron’s requests',
      tag,
      success: { status: 200, description: 'Open requests and those ended in the last year, newest first', schema: patronRequestListSchema },
      handle: ({ patron }) => listPatronRequests(deps, patron),
    }),
    patronRoute({
      method: 'post',
      path: '/patron/requests',
      operationId: 'createPatronRequest',
      summary: 'Place a request as the signed-in patron',
      description:
        'Made as staff would make it (routing, the patron check, mail), for the patron who signed in (their id, name and e-mail from the ILS). ' +
        'Refused: a blocked patron (403, code blocked), as many open requests as the library allows (409, code limit_open), more than the library allows in 24 hours (429, code limit_rate, with Retry-After), a pickup location the library does not have (400).',
      tag,
      body: patronRequestInputSchema,
      success: { status: 201, description: 'The request as placed', schema: patronRequestSchema },
      problems: [409],
      location: (body) => `/patron/requests/${(body as { id: string }).id}`,
      handle: ({ patron, body }) => createPatronRequest(deps, patron, body),
    }),
    patronRoute({
      method: 'get',
      path: '/patron/requests/{id}',
      operationId: 'getPatronRequest',
      summary: 'One of the signed-in patron’s requests',
      description: 'Another patron’s request is not found (404).',
      tag,
      params: idParams,
      success: { status: 200, description: 'The request', schema: patronRequestSchema },
      handle: ({ patron, params }) => getPatronRequest(deps, patron, params.id!),
    }),
    patronRoute({
      method: 'post',
      path: '/patron/requests/{id}/cancel',
      operationId: 'cancelPatronRequest',
      summary: 'Cancel one of the patron’s requests',
      description: 'Only while nothing is on its way (`actions` has cancel); a lender that has it is asked, and the request shows cancelRequested until it answers. Otherwise 409, code not_cancellable.',
      tag,
      params: idParams,
      success: { status: 200, description: 'The request after the cancel', schema: patronRequestSchema },
      problems: [409],
      handle: ({ patron, params }) => cancelPatronRequest(deps, patron, params.id!),
    }),
    patronRoute({
      method: 'post',
      path: '/patron/requests/{id}/renew',
      operationId: 'renewPatronRequest',
      summary: 'Ask for a renewal of one of the patron’s loans',
      description: 'Only on loan (`actions` has renew); the lender answers later (renewalPending until then). Otherwise 409, code not_renewable.',
      tag,
      params: idParams,
      success: { status: 200, description: 'The request, with the renewal asked for', schema: patronRequestSchema },
      problems: [409],
      handle: ({ patron, params }) => renewPatronRequest(deps, patron, params.id!),
    }),
    anonymousRoute({
      method: 'get',
      path: '/patron/citation',
      operationId: 'readCitation',
      summary: 'Read an OpenURL citation for the request form',
      description:
        'Pass the OpenURL’s own parameters (1.0 key/encoded-value such as rft.btitle, rft.atitle, rft_id=info:doi/…, rfr_id; or 0.1 such as title, aulast, id=doi:…, sid) as the query. Never fails: what cannot be read is left out of the form, for the patron to fill in.',
      tag,
      query: z.looseObject({}).meta({ description: 'The OpenURL’s parameters, unchanged' }),
      success: { status: 200, description: 'The citation and the form fields it fills', schema: z.object({ citation: citationSchema, form: citationFormSchema }).meta({ id: 'CitationReading' }) },
      handle: async ({ http }) => {
        const url = http.req.originalUrl;
        return citationFromQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
      },
    }),
    anonymousRoute({
      method: 'get',
      path: '/patron/status/{token}',
      operationId: 'readPatronStatus',
      summary: 'Open a request’s status from the link in a patron mail',
      description: 'No sign-in: the signed link names one request and its patron and expires (the library’s statusLinkDays). It only reads: actions is empty. A changed or unknown link: 401, code link_invalid; an expired one: 401, code link_expired.',
      tag,
      params: tokenParams,
      success: { status: 200, description: 'The library and the request', schema: statusPageSchema },
      problems: [401],
      handle: ({ params }) => statusPageOf(deps, params.token!),
    }),
  ];
}
