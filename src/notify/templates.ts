/**
 * The default wording of every patron notice in each patron language, as data: a subject, a
 * plain-text body and an HTML body per notice, written in Handlebars against the view model of
 * ./view.ts and assembled here from one language's words (./templates/{en,de}.ts). A library can
 * replace any part (`libraries.settings.mail.templates`); what it leaves out stays as here, in
 * the library's patron language (settings.patrons.language).
 *
 * HTML bodies use `{{...}}` only (escaped); settings.ts refuses unescaped output in overrides.
 */
import { PATRON_NOTICES, type PatronNotice } from '../domain/types';
import type { PatronLanguage } from '../services/patrons/settings';
import { de } from './templates/de';
import { en } from './templates/en';
import type { MailWording } from './templates/wording';

export interface NoticeTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Every language's words; a language added to PATRON_LANGUAGES does not compile until it is here. */
export const MAIL_WORDING: Readonly<Record<PatronLanguage, MailWording>> = { en, de };

/** One notice from its paragraphs, between the language's greeting and signature; the same words in both bodies. */
function notice(language: PatronLanguage, subject: string, paragraphs: readonly string[]): NoticeTemplate {
  const w = MAIL_WORDING[language];
  const signatureText = `\n\n${w.closing}\n{{libraryName}}\n${w.department}\n\n${w.referenceLabel}: {{reference}}\n{{#if statusUrl}}${w.statusLink}: {{statusUrl}}\n{{/if}}`;
  const signatureHtml = `<p>${w.closing}<br>{{libraryName}}<br>${w.department}</p><p style="color:#666;font-size:smaller">${w.referenceLabel}: {{reference}}{{#if statusUrl}}<br><a href="{{statusUrl}}">${w.statusLink}</a>{{/if}}</p>`;
  return {
    subject,
    text: `${w.greeting}\n\n${paragraphs.join('\n\n')}${signatureText}`,
    html: `<!doctype html>\n<html lang="${language}"><body>\n<p>${w.greeting}</p>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}\n${signatureHtml}\n</body></html>\n`,
  };
}

function templatesOf(language: PatronLanguage): Readonly<Record<PatronNotice, NoticeTemplate>> {
  const { notices } = MAIL_WORDING[language];
  return Object.fromEntries(PATRON_NOTICES.map((n) => [n, notice(language, notices[n].subject, notices[n].paragraphs)])) as Record<PatronNotice, NoticeTemplate>;
}

export const DEFAULT_TEMPLATES: Readonly<Record<PatronLanguage, Readonly<Record<PatronNotice, NoticeTemplate>>>> = { en: templatesOf('en'), de: templatesOf('de') };

/** The sign-in link mail (./sign-in-link.ts) in one language: not a notice, so no library rewords it. */
function signInLinkTemplateOf(language: PatronLanguage): NoticeTemplate {
  const w = MAIL_WORDING[language];
  const s = w.signInLink;
  return {
    subject: s.subject,
    text: `${s.greeting}\n\n${s.intro}\n\n{{url}}\n\n${s.validity}\n\n${s.unasked}\n\n${w.closing}\n{{libraryName}}\n${w.department}\n`,
    html:
      `<!doctype html>\n<html lang="${language}"><body>\n<p>${s.greeting}</p>\n<p>${s.intro}</p>\n` +
      `<p><a href="{{url}}">${s.button}</a></p>\n<p style="color:#666;font-size:smaller">{{url}}</p>\n` +
      `<p>${s.validity}</p>\n<p>${s.unasked}</p>\n<p>${w.closing}<br>{{libraryName}}<br>${w.department}</p>\n</body></html>\n`,
  };
}

export const SIGN_IN_LINK_TEMPLATES: Readonly<Record<PatronLanguage, NoticeTemplate>> = { en: signInLinkTemplateOf('en'), de: signInLinkTemplateOf('de') };
