/** A template that overrides one body alone (saved before both were required) sends the other made from it, never the default's words. */
import { htmlFromText, templateFor, textFromHtml } from '../../../src/notify/render';
import { DEFAULT_TEMPLATES } from '../../../src/notify/templates';

describe('the two bodies of a notice', () => {
  it('makes the HTML from an overridden text: paragraphs, line breaks, escaped characters, the variables kept', () => {
    expect(htmlFromText('Dear {{patronName}},\n\nYour copy of {{title}} & more\nis <ready>.')).toBe('<p>Dear {{patronName}},</p>\n<p>Your copy of {{title}} &amp; more<br>is &lt;ready&gt;.</p>');
    const template = templateFor('request_received', 'en', { text: 'Got it: {{title}}' });
    expect(template).toMatchObject({ text: 'Got it: {{title}}', html: '<p>Got it: {{title}}</p>', subject: DEFAULT_TEMPLATES.en.request_received.subject });
  });

  it('makes the text from an overridden HTML: tags dropped, paragraphs as blank lines, entities read', () => {
    expect(textFromHtml('<p>Hi {{patronName}},</p><p>we have <em>{{title}}</em> &amp; it waits<br>at the desk.</p>')).toBe('Hi {{patronName}},\n\nwe have {{title}} & it waits\nat the desk.');
    expect(templateFor('request_received', 'en', { html: '<p>Ready: {{title}}</p>' }).text).toBe('Ready: {{title}}');
  });

  it('leaves both as given when both are overridden, and the defaults when neither is', () => {
    expect(templateFor('request_received', 'en', { text: 'a', html: '<b>b</b>' })).toMatchObject({ text: 'a', html: '<b>b</b>' });
    expect(templateFor('request_received', 'en')).toEqual(DEFAULT_TEMPLATES.en.request_received);
  });
});
