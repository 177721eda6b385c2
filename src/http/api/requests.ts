/** /requests: borrowing requests made by staff, the request list, one request's timeline, actions and notes. */
import { z } from 'zod';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { listRequests, requestListQuerySchema, requestWithTimeline } from '../../services/staff/requests-query';
import { actOnRequest, addNote, createRequestAsStaff, listNotes, noteSchema, retryEffect, skipEffect, skipEffectSchema, staffActionSchema, staffBorrowingRequestSchema } from '../../services/staff/requests';
import { requestExportQuerySchema } from '../../services/staff/export-csv';
import { sendRequestsCsv } from './export-csv';
import { apiRoute, type ApiRoute } from './route';
import { effectOutcomeSchema, effectParams, idParams, requestListSchema, requestSchema, requestWithTimelineSchema, timelineEntrySchema } from './schemas';

const tag = 'Requests';

const csvFileSchema = z.string().meta({ description: 'text/csv; charset=utf-8: a header record, then one record per request' });

export function requestRoutes(deps: LifecycleDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/requests',
      operationId: 'createRequest',
      summary: 'Create a borrowing request',
      description: 'The same use case as NCIP RequestItem: validated, then routed to the candidate suppliers that the directory and their policies allow.',
      tag,
      role: 'staff',
      body: staffBorrowingRequestSchema,
      success: { status: 201, description: 'The request as created, with the actions it offers', schema: requestSchema },
      location: (body) => `/requests/${(body as { id: string }).id}`,
      handle: ({ body, principal }) => createRequestAsStaff(deps, body, principal),
    }),
    apiRoute({
      method: 'get',
      path: '/requests',
      operationId: 'listRequests',
      summary: 'List and search requests',
      description: 'Filters combine with AND. Pages follow `nextCursor`; a cursor stays valid while requests are added.',
      tag,
      role: 'read-only',
      query: requestListQuerySchema,
      success: { status: 200, description: 'One page of requests', schema: requestListSchema },
      handle: ({ query, principal }) => listRequests(deps, query, principal),
    }),
    // Before /requests/{id}, which would take `export.csv` for an id.
    apiRoute({
      method: 'get',
      path: '/requests/export.csv',
      operationId: 'exportRequestsCsv',
      summary: 'Download every request of a list or search as CSV',
      description:
        'The same filters, sort and library scope as GET /requests, without pages: every matching row, streamed as it is read (RFC 4180, UTF-8 with a byte order mark, CRLF). ' +
        'Columns: Request id, Library, Role, State (the state code), Service type, Created, Updated (ISO 8601, UTC), Need before, Partner, Requesting agency, Requesting agency request id, Supplying agency, Supplying agency request id, ' +
        'Patron id, Patron name (borrowing requests only), Title, Author, ISBN, ISSN, Due date, Turnaround (days: from created to the last update for a request that has ended, to now otherwise; one decimal). ' +
        'A field a spreadsheet would read as a formula (starting with =, +, - or @) starts with an apostrophe.',
      tag,
      role: 'read-only',
      query: requestExportQuerySchema,
      success: { status: 200, description: 'The CSV file (Content-Disposition: attachment)', schema: csvFileSchema, contentType: 'text/csv' },
      stream: ({ query, principal }, _req, res) => sendRequestsCsv(deps, query, principal, res),
    }),
    apiRoute({
      method: 'get',
      path: '/requests/{id}',
      operationId: 'getRequest',
      summary: 'Read a request with its timeline',
      tag,
      role: 'read-only',
      params: idParams,
      success: { status: 200, description: 'The request, its actions and its timeline', schema: requestWithTimelineSchema },
      handle: ({ params, principal }) => requestWithTimeline(deps, params.id!, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/requests/{id}/actions',
      operationId: 'actOnRequest',
      summary: 'Take a staff action on a request',
      description:
        'Give the `version` you read: if the request changed since, nothing happens and the answer is 409 with the request as it is now. ' +
        '`rerequest` answers with the new request it made (its `data.rerequestOf` names this one, which keeps `data.rerequestedAs`).',
      tag,
      role: 'staff',
      params: idParams,
      body: staffActionSchema,
      success: { status: 200, description: 'The request after the action (for rerequest: the new request), with the actions available next', schema: requestSchema },
      problems: [409],
      handle: ({ params, body, principal }) => actOnRequest(deps, params.id!, body, principal),
    }),
    apiRoute({
      method: 'get',
      path: '/requests/{id}/notes',
      operationId: 'listNotes',
      summary: 'List the notes on a request',
      tag,
      role: 'read-only',
      params: idParams,
      success: { status: 200, description: 'Notes, oldest first', schema: z.array(timelineEntrySchema) },
      handle: ({ params, principal }) => listNotes(deps, params.id!, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/requests/{id}/notes',
      operationId: 'addNote',
      summary: 'Add a note to a request',
      description: 'A note goes into the audit trail; it changes neither the state nor the version.',
      tag,
      role: 'staff',
      params: idParams,
      body: noteSchema,
      success: { status: 201, description: 'The note as recorded', schema: timelineEntrySchema },
      handle: ({ params, body, principal }) => addNote(deps, params.id!, body, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/requests/{id}/effects/{outboxId}/retry',
      operationId: 'retryEffect',
      summary: 'Retry work that gave up',
      description: 'A dead outbox row (an ILS Problem, a partner’s refusal, retries exhausted) runs again as a new row, once the cause is fixed.',
      tag,
      role: 'staff',
      params: effectParams,
      success: { status: 200, description: 'The settled row and its replacement', schema: effectOutcomeSchema },
      problems: [409],
      handle: ({ params, principal }) => retryEffect(deps, params.id!, params.outboxId!, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/requests/{id}/effects/{outboxId}/skip',
      operationId: 'skipEffect',
      summary: 'Skip work that gave up',
      description: 'The request goes on without the work (a skipped NCIP step lets the loan continue); the note goes into the audit trail.',
      tag,
      role: 'staff',
      params: effectParams,
      body: skipEffectSchema,
      success: { status: 200, description: 'The settled row', schema: effectOutcomeSchema },
      problems: [409],
      handle: ({ params, body, principal }) => skipEffect(deps, params.id!, params.outboxId!, body, principal),
    }),
  ];
}
