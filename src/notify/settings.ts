/**
 * A member library's patron-mail settings (`libraries.settings.mail`): which notices go out,
 * who they come from, and templates that replace the defaults. One zod schema is both the type
 * and the check, so the staff API validates an update with the same rules the worker reads by.
 */
import Handlebars from 'handlebars';
import { z } from 'zod';
import { PATRON_NOTICES, type PatronNotice } from '../domain/types';
import { unguardedVariables, unknownVariables, variablesByNotice } from './variables';

export function isPatronNotice(value: string): value is PatronNotice {
  return (PATRON_NOTICES as readonly string[]).includes(value);
}

/**
 * A template part must compile, and request data must never reach HTML unescaped: triple-stash
 * (`{{{x}}}`) and `{{&x}}` are refused in every part, so a title like `<script>` stays text.
 */
const templateSyntax = z
  .string()
  .min(1, 'must not be empty')
  .max(20_000)
  .superRefine((source, ctx) => {
    if (/\{\{\{|\{\{~?\s*&/.test(source)) {
      ctx.addIssue({ code: 'custom', message: 'must not use unescaped output ({{{...}}} or {{&...}}): request data is always escaped' });
      return;
    }
    try {
      Handlebars.precompile(source, { strict: false });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a valid Handlebars template: ${(err as Error).message.split('\n')[0]}` });
    }
  });

/** A stored part must not leave a gap where a name may be missing ("Hi ,"). Its variables are checked per notice (templatesRecord). */
const templatePart = templateSyntax.superRefine((source, ctx) => {
  for (const name of unguardedVariables(source)) {
    const gap = name === 'patronName' ? 'a request can come without it, and the mail would say "Hi ,"' : 'it can be missing, and the mail would show a gap where it stands';
    ctx.addIssue({ code: 'custom', message: `{{${name}}} must be inside {{#if ${name}}}…{{else}}…{{/if}}: ${gap}` });
  }
});

/** What a saved template's name is wrong about: Handlebars would render it as nothing, so a misspelling would go out silently. */
export function variableProblem(notice: PatronNotice, unknown: ReturnType<typeof unknownVariables>[number]): string {
  if (unknown.onlyIn) return `{{${unknown.name}}} is not a variable of ${notice} notices (it has a value only in ${unknown.onlyIn.join(', ')})`;
  return `{{${unknown.name}}} is not a variable of patron notices${unknown.suggestion ? ` (did you mean {{${unknown.suggestion}}}?)` : ''}`;
}

/**
 * The two bodies are one message in two forms: overriding one alone would send the new words in
 * one and the default's in the other (mail clients show either), so text and html go together.
 */
function bothBodiesOrNeither(template: { text?: string | undefined; html?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((template.text === undefined) === (template.html === undefined)) return;
  const missing = template.text === undefined ? 'text' : 'html';
  ctx.addIssue({ code: 'custom', path: [missing], message: `must be given with ${missing === 'text' ? 'html' : 'text'}: the plain-text and HTML bodies are overridden together, or the other would keep the default wording` });
}

const templateParts = <T extends z.ZodType<string>>(part: T) => z.object({ subject: part.optional(), text: part.optional(), html: part.optional() }).strict().superRefine(bothBodiesOrNeither);

/** What is written (PATCH, the directory file): known variables only, both bodies or neither. */
export const noticeTemplateSchema = templateParts(templatePart);

/** A draft in the template editor: it must compile and pair its bodies, but may still name unknown variables (the preview reports them). */
export const draftTemplateSchema = templateParts(templateSyntax);

/**
 * A template as stored, when mail is sent: it must compile. A template saved before the rules
 * above (one body alone, an unknown name) still sends: the missing body is derived from the
 * other (render.ts), and the library's settingsProblems lists what to fix.
 */
const storedTemplateSchema = z.object({ subject: templateSyntax.optional(), text: templateSyntax.optional(), html: templateSyntax.optional() }).strict();

const timeZone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Copenhagen');

const PARTS = ['subject', 'text', 'html'] as const;

/** The templates of a library, each checked against its own notice's variables when `checkVariables`. */
const templatesWith = <T extends z.ZodType>(template: T, checkVariables: boolean) =>
  z
    .partialRecord(z.enum(PATRON_NOTICES), template)
    .superRefine((templates, ctx) => {
      if (!checkVariables) return;
      for (const [notice, parts] of Object.entries(templates) as [PatronNotice, Partial<Record<(typeof PARTS)[number], string>>][]) {
        for (const part of PARTS) {
          const source = parts?.[part];
          if (source === undefined) continue;
          for (const unknown of unknownVariables(source, notice)) ctx.addIssue({ code: 'custom', path: [notice, part], message: variableProblem(notice, unknown) });
        }
      }
    })
    .default({})
    .meta({ description: `Per-notice templates (Handlebars: subject, text and html; text and html together); a part left out keeps the default wording, in the library’s patron language (patrons.language). The variables of each notice: ${variablesByNotice(PATRON_NOTICES)}` });

const mailSettingsWith = <T extends z.ZodType>(template: T, checkVariables: boolean) =>
  z
  .object({
    /** Switches all patron mail of the library off (notices are recorded as skipped). */
    enabled: z.boolean().default(true),
    /** The notices that send mail; absent means all of them. */
    events: z.array(z.enum(PATRON_NOTICES)).optional(),
    /** Sender address; absent: the server's MAIL_FROM. */
    fromAddress: z.email('must be an e-mail address').optional(),
    /** Sender display name; absent: the library's name. */
    fromName: z.string().trim().min(1).max(200).optional(),
    replyTo: z.email('must be an e-mail address').optional(),
    /** How due dates are shown to patrons. */
    timeZone: timeZone.default('UTC'),
    /** Per-notice templates; a part left out keeps the default wording. */
    templates: templatesWith(template, checkVariables),
  })
  .strict();

/** The mail part as it is written and checked (PATCH, the directory file, settingsProblems). */
export const mailSettingsSchema = mailSettingsWith(noticeTemplateSchema, true);
/** The mail part as the sender reads it: only what would stop a notice from being made. */
const storedMailSettingsSchema = mailSettingsWith(storedTemplateSchema, false);

export type MailSettings = z.output<typeof mailSettingsSchema>;
export type MailSettingsInput = z.input<typeof mailSettingsSchema>;
export type NoticeTemplateOverride = z.output<typeof noticeTemplateSchema>;

/**
 * The mail settings of a library as stored. Settings that do not validate are not guessed at:
 * the caller gets the problems, and the worker records the notice as skipped with them.
 */
export function mailSettingsOf(settings: Record<string, unknown> | undefined): { ok: true; value: MailSettings } | { ok: false; problems: string[] } {
  const parsed = storedMailSettingsSchema.safeParse(settings?.mail ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `mail.${i.path.join('.')}: ${i.message}`) };
}

export function noticeEnabled(settings: MailSettings, notice: PatronNotice): boolean {
  return settings.enabled && (settings.events === undefined || settings.events.includes(notice));
}
