/**
 * Renders a notice: template (defaults, or a library's override part by part) + view model ->
 * subject, plain text and HTML. Pure; Handlebars runs in an environment of its own with no
 * helpers registered, HTML-escaping for the HTML part only.
 */
import Handlebars from 'handlebars';
import type { PatronNotice } from '../domain/types';
import type { PatronLanguage } from '../services/patrons/settings';
import type { NoticeTemplateOverride } from './settings';
import { DEFAULT_TEMPLATES, type NoticeTemplate } from './templates';
import type { NoticeView } from './view';

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export type RenderedNotice = RenderedMail;

const handlebars = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
const CACHE_LIMIT = 500;

function compile(source: string, escape: boolean): Handlebars.TemplateDelegate {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    template = handlebars.compile(source, { noEscape: !escape, strict: false, preventIndent: true });
    compiled.set(key, template);
  }
  return template;
}

/** Plain-text template source as HTML: paragraphs at blank lines, line breaks kept; the {{…}} stay. */
export function htmlFromText(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** HTML template source as plain text: tags dropped, paragraphs and breaks as new lines, the common entities read. */
export function textFromHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The library's override where it has one, the default wording in the library's patron language
 * for each part it leaves out. The two bodies are one message: a template (saved before both were
 * required) that overrides one alone gets the other derived from it, never the default's other
 * wording.
 */
export function templateFor(notice: PatronNotice, language: PatronLanguage, override?: NoticeTemplateOverride): NoticeTemplate {
  const bodies =
    override?.text !== undefined && override.html === undefined
      ? { html: htmlFromText(override.text) }
      : override?.html !== undefined && override.text === undefined
        ? { text: textFromHtml(override.html) }
        : {};
  return { ...DEFAULT_TEMPLATES[language][notice], ...override, ...bodies };
}

export function renderNotice(template: NoticeTemplate, view: NoticeView): RenderedNotice {
  return renderMail(template, view);
}

/** Any mail written as a subject and two Handlebars bodies: the same escaping for every mail the server sends patrons. */
export function renderMail(template: NoticeTemplate, view: object): RenderedMail {
  return {
    // A header is one line: newlines in request data must not start another header.
    subject: compile(template.subject, false)(view).replace(/\s+/g, ' ').trim(),
    text: compile(template.text, false)(view),
    html: compile(template.html, true)(view),
  };
}
