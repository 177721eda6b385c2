/** /requests/{id}/notices: what a patron notice would look like for a request, without sending it. */
import { z } from 'zod';
import { PATRON_NOTICES } from '../../domain/types';
import type { LifecycleDeps } from '../../services/pipeline/pipeline';
import { previewNotice } from '../../services/notices/notices';
import { NotFound } from '../../services/errors';
import { visibleRequest } from '../../services/staff/requests-query';
import type { ApiRoute } from './route';

export interface NoticeDeps extends LifecycleDeps {
  /** The server's default sender (MAIL_FROM), for libraries that set none. */
  readonly mailFrom?: string;
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

export function noticeRoutes(deps: NoticeDeps): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/requests/{id}/notices/{event}/preview',
      operationId: 'previewNotice',
      summary: 'Render a patron notice for a request without sending it',
      description: `Uses the library's templates (or the defaults) and the request as it is now. Events: ${PATRON_NOTICES.join(', ')}.`,
      tag: 'Requests',
      role: 'read-only',
      params: z.object({ id: z.string(), event: z.enum(PATRON_NOTICES) }),
      success: { status: 200, description: 'The rendered notice', schema: previewSchema },
      handle: async ({ params, principal }) => {
        const request = await visibleRequest(deps, params.id!, principal);
        const library = request.libraryId ? await deps.directory.libraryById(request.libraryId) : undefined;
        if (!library) throw new NotFound('library of request', params.id!);
        return previewNotice(request, library, params.event!, { mailFrom: deps.mailFrom ?? 'ill@localhost' });
      },
    },
  ];
}
