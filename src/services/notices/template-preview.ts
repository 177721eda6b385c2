/**
 * The template editor's live preview: a draft template (not saved) rendered for one of the
 * library's requests or for a sample one, with the variables this notice's template can use and
 * the names the draft uses that are none of them (each with the nearest known name, or the notices
 * it belongs to). Parts the draft leaves out are the defaults in the library's patron language,
 * so a German library edits and sees German: the answer carries those sources for the editor to
 * start from, beside what they render to.
 */
import { z } from 'zod';
import { PATRON_NOTICES, type PatronNotice } from '../../domain/types';
import { renderNotice, templateFor, type RenderedNotice } from '../../notify/render';
import type { NoticeTemplate } from '../../notify/templates';
import { draftTemplateSchema, isPatronNotice, mailSettingsSchema } from '../../notify/settings';
import { unknownVariables, variablesOf, type TemplateVariable, type UnknownVariable } from '../../notify/variables';
import { buildNoticeView, type NoticeSource } from '../../notify/view';
import { pickupPlacesOf } from '../directory/pickup-locations';
import type { Principal } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { visibleLibrary } from '../directory/libraries';
import { NotFound, ValidationFailed } from '../errors';
import { PATRON_LANGUAGES, patronLanguageOf, type PatronLanguage } from '../patrons/settings';
import { visibleRequest } from '../staff/requests-query';

export const templatePreviewInputSchema = z
  .object({
    template: draftTemplateSchema.default({}).meta({ description: 'The draft: subject, text and html, each optional (the default wording stands in); text and html go together' }),
    requestId: z.uuid().optional().meta({ description: 'Render for this request of the library; absent: a sample request' }),
    timeZone: mailSettingsSchema.shape.timeZone.optional().meta({ description: 'Time zone of dates as entered in the form; absent: the stored one' }),
    language: z.enum(PATRON_LANGUAGES).optional().meta({ description: 'Patron language as chosen in the form (default wording, dates, the item phrase); absent: the library’s (settings.patrons.language)' }),
  })
  .strict();

export type TemplatePreviewInput = z.output<typeof templatePreviewInputSchema>;

export interface TemplatePreview extends RenderedNotice {
  readonly renderedFor: 'request' | 'sample';
  readonly language: PatronLanguage;
  /** The sources rendered: the draft's parts, the default wording in `language` for the others. */
  readonly template: NoticeTemplate;
  /** The variables of this notice. */
  readonly variables: readonly TemplateVariable[];
  readonly unknownVariables: readonly (UnknownVariable & { readonly part: 'subject' | 'text' | 'html' })[];
}

/** The sample's own words, in the language the preview is written in. */
const SAMPLE: Readonly<Record<PatronLanguage, { readonly patronName: string; readonly pickupLocation: string }>> = {
  en: { patronName: 'Alex Reader', pickupLocation: 'Main library, lending desk' },
  de: { patronName: 'Alex Muster', pickupLocation: 'Zentralbibliothek, Ausleihe' },
};

/** A request with every field a template can show, so a preview shows every variable filled in. */
function sampleRequest(notice: PatronNotice, language: PatronLanguage, pickupLocation: string | undefined): NoticeSource {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    number: 1042,
    serviceType: 'Loan',
    data: {
      patron: { id: 'SAMPLE', name: SAMPLE[language].patronName },
      bibliographic: { title: 'Kindred', author: 'Butler, Octavia' },
      pickupLocation: pickupLocation ?? SAMPLE[language].pickupLocation,
      neededBy: '2027-03-31',
      lifecycle: {
        serviceType: 'Loan',
        dueDate: '2027-03-01T12:00:00.000Z',
        renewals: notice === 'renewed' ? 1 : 0,
        ...(notice === 'unfilled' ? { reason: 'rota exhausted: ISIL:XX-1 answered Unfilled (NotHeld)' } : {}),
      },
    } as NoticeSource['data'],
  };
}

export async function previewDraftTemplate(deps: ServiceDeps, symbol: string, notice: string, input: TemplatePreviewInput, principal: Principal): Promise<TemplatePreview> {
  if (!isPatronNotice(notice)) throw new ValidationFailed([{ path: 'event', message: `must be one of ${PATRON_NOTICES.join(', ')}` }], `unknown notice "${notice}"`);
  const library = await visibleLibrary(deps, symbol, principal);
  const stored = mailSettingsSchema.safeParse((library.settings as { mail?: unknown }).mail ?? {});
  const timeZone = input.timeZone ?? (stored.success ? stored.data.timeZone : 'UTC');
  const language = input.language ?? patronLanguageOf(library);
  let source: NoticeSource;
  if (input.requestId) {
    const request = await visibleRequest(deps, input.requestId, principal);
    if (request.libraryId !== library.id) throw new NotFound('request of this library', input.requestId);
    source = request;
  } else {
    // The library's first pickup location, by its code, as a request names it: the view finds its name and address.
    source = sampleRequest(notice, language, pickupPlacesOf(library.settings)[0]?.code);
  }
  const template = templateFor(notice, language, input.template);
  const rendered = renderNotice(template, buildNoticeView(source, library, notice, { timeZone, language }));
  const parts = ['subject', 'text', 'html'] as const;
  return {
    ...rendered,
    renderedFor: input.requestId ? 'request' : 'sample',
    language,
    template,
    variables: variablesOf(notice),
    unknownVariables: parts.flatMap((part) => (input.template[part] !== undefined ? unknownVariables(input.template[part], notice).map((u) => ({ part, ...u })) : [])),
  };
}
