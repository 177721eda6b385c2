/**
 * Renders a notice: template (defaults, or a library's override part by part) + view model ->
 * subject, plain text and HTML. Pure; Handlebars runs in an environment of its own with no
 * helpers registered, HTML-escaping for the HTML part only.
 */
import Handlebars from 'handlebars';
import type { PatronNotice } from '../domain/types';
import type { NoticeTemplateOverride } from './settings';
import { DEFAULT_TEMPLATES, type NoticeTemplate } from './templates';
import type { NoticeView } from './view';

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

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

/** The library's override where it has one, the default wording for each part it leaves out. */
export function templateFor(notice: PatronNotice, override?: NoticeTemplateOverride): NoticeTemplate {
  return { ...DEFAULT_TEMPLATES[notice], ...override };
}

export function renderNotice(template: NoticeTemplate, view: NoticeView): RenderedNotice {
  return {
    // A header is one line: newlines in request data must not start another header.
    subject: compile(template.subject, false)(view).replace(/\s+/g, ' ').trim(),
    text: compile(template.text, false)(view),
    html: compile(template.html, true)(view),
  };
}
