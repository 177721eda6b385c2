/**
 * The default wording of every patron notice, as data: a subject, a plain-text body and an HTML
 * body per notice, written in Handlebars against the view model of ./view.ts. A library can
 * replace any part (`libraries.settings.mail.templates`); what it leaves out stays as here.
 *
 * HTML bodies use `{{...}}` only (escaped); settings.ts refuses unescaped output in overrides.
 */
import type { PatronNotice } from '../domain/types';

export interface NoticeTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const GREETING = '{{#if patronName}}Dear {{patronName}},{{else}}Hello,{{/if}}';
const SIGNATURE_TEXT = '\n\nKind regards,\n{{libraryName}}\nInterlibrary loan\n\nYour request number: {{reference}}\n{{#if statusUrl}}Follow your request: {{statusUrl}}\n{{/if}}';
const SIGNATURE_HTML =
  '<p>Kind regards,<br>{{libraryName}}<br>Interlibrary loan</p><p style="color:#666;font-size:smaller">Your request number: {{reference}}{{#if statusUrl}}<br><a href="{{statusUrl}}">Follow your request</a>{{/if}}</p>';

/** One notice from its paragraphs; the same words in both bodies. */
function notice(subject: string, paragraphs: readonly string[]): NoticeTemplate {
  return {
    subject,
    text: `${GREETING}\n\n${paragraphs.join('\n\n')}${SIGNATURE_TEXT}`,
    html: `<!doctype html>\n<html><body>\n<p>${GREETING}</p>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}\n${SIGNATURE_HTML}\n</body></html>\n`,
  };
}

const PLACE = '{{pickupLocation}}{{#if pickupLocationAddress}} ({{pickupLocationAddress}}){{/if}}';
const PICKUP = `{{#if pickupLocation}} at ${PLACE}{{/if}}`;

export const DEFAULT_TEMPLATES: Readonly<Record<PatronNotice, NoticeTemplate>> = {
  request_received: notice('We have your interlibrary loan request: {{item}}', [
    'We have received your request for {{item}}{{#if neededBy}}, which you need by {{neededBy}}{{/if}}.',
    'We are asking other libraries to lend it to us and will write again when it is on its way.',
  ]),
  shipped: notice('On its way: {{item}}', [
    'Good news: the lending library has sent {{item}} to us.',
    'We will write again when it is ready for you to collect' + PICKUP + '.',
  ]),
  ready_for_pickup: notice('Ready for pickup: {{item}}', [
    '{{item}} is ready for you to collect' + PICKUP + '.',
    '{{#if dueDate}}It is due back on {{dueDate}}. {{/if}}Please bring your library card.',
  ]),
  due_soon: notice('Due soon: {{item}}', [
    '{{item}}, which we borrowed for you from another library, is due back on {{dueDate}}.',
    'Please return it by then. If you need it longer, ask us before the due date and we will ask the lending library for a renewal.',
  ]),
  overdue: notice('Overdue: {{item}}', [
    '{{item}} was due back on {{dueDate}}.',
    'It belongs to another library: please return it as soon as you can.',
  ]),
  recalled: notice('Recalled: please return {{item}}', [
    'The lending library needs {{item}} back.',
    'Please return it {{#if dueDate}}by {{dueDate}}{{else}}as soon as you can{{/if}}.',
  ]),
  renewed: notice('Renewed: {{item}}', ['Your loan of {{item}} has been renewed.', '{{#if dueDate}}The new due date is {{dueDate}}.{{/if}}']),
  renew_refused: notice('Renewal not possible: {{item}}', [
    'The lending library could not renew your loan of {{item}}.',
    'Please return it {{#if dueDate}}by {{dueDate}}{{else}}as soon as you can{{/if}}.',
  ]),
  cancelled: notice('Cancelled: {{item}}', ['Your request for {{item}} has been cancelled{{#if reason}}: {{reason}}{{/if}}.', 'If you still need it, please contact us.']),
  unfilled: notice('We could not get {{item}}', [
    'We are sorry: we could not get {{item}} for you{{#if reason}} ({{reason}}){{/if}}.',
    'If you would like us to try another way, please contact us.',
  ]),
  delivered: notice('Your copy has been delivered: {{item}}', ['The copy you asked for, {{item}}, has been delivered{{#if pickupLocation}} to ' + PLACE + '{{/if}}.']),
  filled_locally: notice('In our own collection: {{item}}', [
    'Good news: our library has {{item}} itself, so we do not need to borrow it from another library.',
    'We are setting a copy aside for you to collect' + PICKUP + '. Please bring your library card.',
  ]),
};
