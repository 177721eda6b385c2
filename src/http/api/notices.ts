/** /requests/{id}/notices: what a patron notice would look like for a request, without sending it. */
import { z } from 'zod';
import { PATRON_NOTICES } from '../../domain/types';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { previewNotice } from '../../services/notices/notices';
import { NotFound } from '../../services/errors';
import { PATRON_LANGUAGES } from '../../services/patrons/settings';
import { statusLinkFor } from '../../services/patrons/status-link';
import { visibleRequest } from '../../services/staff/requests-query';
import { previewDraftTemplate, templatePreviewInputSchema } from '../../services/notices/template-preview';
import { apiRoute, type ApiRoute } from './route';
import { symbolParams } from './schemas';

export interface NoticeDeps extends LifecycleDeps {
  /** The server's default sender (MAIL_FROM), for libraries that set none. */
  readonly mailFrom?: string;
  /** The server's address for patrons (PUBLIC_URL): status links in patron mail start with it. */
  readonly publicUrl?: string;
}

const address = z.object({ address: z.string(), name: z.string().optional() });
const previewSchema = z
  .object({
    to: z.string().nullable().meta({ description: 'The patron address it would go to; null when there is none' }),
    from: address,
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    notSent: z.string().optional().meta({ description: 'Why it would not be sent (patron opted out, no address, notice switched off)' }),
  })
  .meta({ id: 'NoticePreview' });

const templatePreviewSchema = z
  .object({
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    renderedFor: z.enum(['request', 'sample']),
    language: z.enum(PATRON_LANGUAGES).meta({ description: 'The language of the default wording and of dates: the one asked for, else the library’s patron language' }),
    template: z
      .object({ subject: z.string(), text: z.string(), html: z.string() })
      .meta({ description: 'The Handlebars sources rendered: the draft’s parts, the default wording in `language` for the parts it leaves out (what the editor starts from)' }),
    variables: z
      .array(z.object({ name: z.string(), description: z.string(), notices: z.array(z.enum(PATRON_NOTICES)).optional().meta({ description: 'The notices it has a value in; absent: every notice' }) }))
      .meta({ description: 'The variables this notice’s template can use (each notice’s are also listed in LibrarySettings mail.templates)' }),
    unknownVariables: z
      .array(
        z.object({
          part: z.enum(['subject', 'text', 'html']),
          name: z.string(),
          suggestion: z.string().optional().meta({ description: 'The known variable nearest in spelling' }),
          onlyIn: z.array(z.enum(PATRON_NOTICES)).optional().meta({ description: 'A variable of other notices only: the ones it has a value in' }),
        }),
      )
      .meta({ description: 'Names the draft uses that this notice does not have: they would render as nothing, and saving refuses them' }),
  })
  .meta({ id: 'TemplatePreview' });

export function noticeRoutes(deps: NoticeDeps): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/requests/{id}/notices/{event}/preview',
      operationId: 'previewNotice',
      summary: 'Render a patron notice for a request without sending it',
      description: `Uses the library's templates (or the defaults, in the library's patron language) and the request as it is now. Events: ${PATRON_NOTICES.join(', ')}.`,
      tag: 'Requests',
      role: 'read-only',
      params: z.object({ id: z.string(), event: z.enum(PATRON_NOTICES) }),
      success: { status: 200, description: 'The rendered notice', schema: previewSchema },
      handle: async ({ params, principal }) => {
        const request = await visibleRequest(deps, params.id!, principal);
        const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
        if (!library) throw new NotFound('library of request', params.id!);
        // A real link, as the mail would carry it: it opens what the staff member can read anyway.
        const statusUrl = await statusLinkFor(deps, request, library, deps.publicUrl);
        return previewNotice(request, library, params.event!, { mailFrom: deps.mailFrom ?? 'ill@localhost', ...(statusUrl ? { statusUrl } : {}) });
      },
    },
    apiRoute({
      method: 'post',
      path: '/libraries/{symbol}/notices/{event}/preview',
      operationId: 'previewNoticeTemplate',
      summary: 'Render a draft notice template (not saved) for a request or a sample',
      description:
        'For the template editor: renders the draft with the default wording for the parts it leaves out, lists the variables this notice’s template can use, and reports unknown ones with the nearest known name (or, for another notice’s variable, the notices that have it). Text and html are overridden together (the same rule PATCH applies).',
      tag: 'Libraries',
      role: 'staff',
      params: symbolParams.extend({ event: z.enum(PATRON_NOTICES) }),
      body: templatePreviewInputSchema,
      success: { status: 200, description: 'The rendered draft', schema: templatePreviewSchema },
      handle: ({ params, body, principal }) => previewDraftTemplate(deps, params.symbol!, params.event!, body, principal),
    }),
  ];
}
