/**
 * Patron mail speaks the library's patron language (settings.patrons.language): a German library's
 * patrons get every notice in German, written as German libraries write (Sie, "Guten Tag", "Mit
 * freundlichen Grüßen"), with German dates, the item as German catalogues cite it and the reasons
 * in German words; no English word and no empty variable left in either body.
 */
import { PATRON_NOTICES, type PatronNotice } from '../../../src/domain/types';
import { renderNotice, templateFor } from '../../../src/notify/render';
import { mailSettingsSchema } from '../../../src/notify/settings';
import { DEFAULT_TEMPLATES } from '../../../src/notify/templates';
import { buildNoticeView, formatDate, type NoticeSource } from '../../../src/notify/view';
import { PATRON_LANGUAGES, patronLanguageOf } from '../../../src/services/patrons/settings';

const german = {
  name: 'Universitätsbibliothek Beispielstadt',
  settings: { patrons: { language: 'de' }, pickupLocations: [{ code: 'LS', name: 'Zentralbibliothek, Lesesaal', address: 'Hauptstraße 1, 12345 Beispielstadt' }] },
};
const ID = '3f2a91c4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const loan = (data: Record<string, unknown> = {}, lifecycle: Record<string, unknown> = {}, serviceType = 'Loan'): NoticeSource => ({
  id: ID,
  number: 1042,
  serviceType,
  data: {
    bibliographic: { title: 'Kindred', author: 'Butler, Octavia E.' },
    patron: { id: 'P-1', name: 'Erika Mustermann', email: 'erika@example.org' },
    pickupLocation: 'ls',
    neededBy: '2027-03-31',
    lifecycle: { serviceType, dueDate: '2027-03-01T12:00:00Z', ...lifecycle },
    ...data,
  } as NoticeSource['data'],
});
/** Every variable a notice can have, filled, as the view makes them for that notice. */
const full = (notice: PatronNotice) =>
  loan({}, notice === 'unfilled' ? { reason: 'rota exhausted: ISIL:DE-2 answered Unfilled (NotHeld)' } : notice === 'cancelled' ? { reason: 'cancelled by the supplier' } : {});
/** As little as a request can carry: no name, an ISBN only, no pickup location, no dates (but reminders, which are sent for a due date). */
const bareFor = (notice: PatronNotice): NoticeSource => ({
  id: ID,
  number: 1042,
  serviceType: 'Loan',
  data: {
    bibliographic: { isbn: '9780807083697' },
    patron: { id: 'P-2' },
    ...(notice === 'due_soon' || notice === 'overdue' ? { lifecycle: { serviceType: 'Loan', dueDate: '2027-03-01T12:00:00Z' } } : {}),
  } as NoticeSource['data'],
});
const bare = bareFor('shipped');

const render = (notice: PatronNotice, source: NoticeSource, library: { name: string; settings: Record<string, unknown> } = german, statusUrl?: string) => {
  const language = patronLanguageOf(library);
  const view = { ...buildNoticeView(source, library, notice, { timeZone: 'Europe/Berlin', language }), ...(statusUrl ? { statusUrl } : {}) };
  return renderNotice(templateFor(notice, language), view);
};
/** The words of a mail: HTML tags and the link address dropped, entities read. */
const words = (mail: { subject: string; text: string; html: string }) =>
  `${mail.subject}\n${mail.text}\n${mail.html.replace(/<[^>]*>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ')}`.replace(/https:\/\/\S+/g, '');
const ENGLISH = /\b(the|a|and|of|to|for|your|you|we|our|please|dear|hello|kind|regards|library|libraries|interlibrary|loan|request|item|due|by|has|been|is|it|on|with|at)\b/i;
/** A variable rendered as nothing: "bis .", "Abholort: .", "()", "Guten Tag ,", two spaces. */
const GAP = /\s[.,:;]|\(\s*\)|:\s*[.,]|[^\n ]  +[^ ]|Tag\s+,/;

describe('a German library’s patron mail', () => {
  it('takes its language from the library’s patron settings, English when it sets none', () => {
    expect(patronLanguageOf(german)).toBe('de');
    expect(patronLanguageOf({ settings: {} })).toBe('en');
    expect(render('shipped', full('shipped'), { name: 'Riverside Library', settings: {} }).subject).toBe('On its way: Kindred by Butler, Octavia E.');
  });

  it.each(PATRON_NOTICES)('%s is German throughout, greets by name, signs as the library’s Fernleihe and gives the request number', (notice) => {
    for (const source of [full(notice), bareFor(notice)]) {
      const mail = render(notice, source);
      expect(words(mail)).not.toMatch(ENGLISH);
      for (const body of [mail.subject, mail.text, mail.html]) expect(body).not.toMatch(/\{\{|undefined|null|NaN|\[object/);
      expect(mail.text).not.toMatch(GAP);
      expect(mail.html.replace(/<[^>]*>/g, '')).not.toMatch(GAP);
      expect(mail.text).toContain('Mit freundlichen Grüßen\nUniversitätsbibliothek Beispielstadt\nFernleihe\n\nIhre Bestellnummer: 1042');
      expect(mail.html).toContain('<p>Mit freundlichen Grüßen<br>Universitätsbibliothek Beispielstadt<br>Fernleihe</p>');
    }
    expect(render(notice, full(notice)).text).toMatch(/^Guten Tag Erika Mustermann,\n\n/);
    expect(render(notice, bare).text).toMatch(/^Guten Tag,\n\n/);
    expect(render(notice, bare).html).toContain('<p>Guten Tag,</p>');
    // Screen readers read a German mail with a German voice.
    expect(render(notice, bare).html).toMatch(/^<!doctype html>\n<html lang="de">/);
  });

  it.each([
    ['request_received', 'Ihre Fernleihbestellung ist eingegangen: Butler, Octavia E.: Kindred', ['wir haben Ihre Fernleihbestellung erhalten: Butler, Octavia E.: Kindred.', 'Sie benötigen den Titel bis Mittwoch, 31. März 2027.']],
    ['shipped', 'Unterwegs zu uns: Butler, Octavia E.: Kindred', ['Abholort: Zentralbibliothek, Lesesaal (Hauptstraße 1, 12345 Beispielstadt).']],
    ['ready_for_pickup', 'Zur Abholung bereit: Butler, Octavia E.: Kindred', ['Die Leihfrist endet am Montag, 1. März 2027.', 'Bitte bringen Sie Ihren Bibliotheksausweis mit.']],
    ['due_soon', 'Leihfrist endet bald: Butler, Octavia E.: Kindred', ['die Leihfrist Ihrer Fernleihe endet am Montag, 1. März 2027']],
    ['overdue', 'Leihfrist überschritten: Butler, Octavia E.: Kindred', ['ist am Montag, 1. März 2027 abgelaufen']],
    ['recalled', 'Bitte vorzeitig zurückgeben: Butler, Octavia E.: Kindred', ['Bitte geben Sie den Titel bis Montag, 1. März 2027 zurück.']],
    ['renewed', 'Verlängert: Butler, Octavia E.: Kindred', ['Die neue Leihfrist endet am Montag, 1. März 2027.']],
    ['renew_refused', 'Verlängerung nicht möglich: Butler, Octavia E.: Kindred', ['Bitte geben Sie den Titel bis Montag, 1. März 2027 zurück.']],
    ['cancelled', 'Storniert: Butler, Octavia E.: Kindred', ['Grund: die liefernde Bibliothek hat die Bestellung storniert.']],
    ['unfilled', 'Leider nicht lieferbar: Butler, Octavia E.: Kindred', ['Grund: keine der angefragten Bibliotheken hat den Titel im Bestand.']],
    ['filled_locally', 'In unserem eigenen Bestand: Butler, Octavia E.: Kindred', ['legen ein Exemplar für Sie zur Abholung bereit. Abholort: Zentralbibliothek, Lesesaal']],
  ] as const)('%s says what matters in German', (notice, subject, phrases) => {
    const { subject: actual, text } = render(notice, full(notice));
    expect(actual).toBe(subject);
    for (const phrase of phrases) expect(text).toContain(phrase);
  });

  it('tells what is missing without a gap: no due date, no pickup location, an item known by its ISBN only', () => {
    expect(render('recalled', bare).text).toContain('Bitte geben Sie den Titel so bald wie möglich zurück.');
    expect(render('ready_for_pickup', bare).text).toContain('Ihre Fernleihe liegt zur Abholung für Sie bereit: das Medium mit der ISBN 9780807083697.\n\nBitte bringen Sie');
    expect(render('unfilled', bare).text).toContain('Grund: keine der angefragten Bibliotheken konnte den Titel liefern.');
  });

  it('cites an article in its journal with German quotation marks, escaped in HTML', () => {
    const copy = loan({ bibliographic: { title: 'Nature', titleOfComponent: 'A <new> & better method' } }, {}, 'Copy');
    const { subject, text, html } = render('delivered', copy);
    expect(subject).toBe('Ihre Kopie wurde geliefert: „A <new> & better method“ in: Nature');
    expect(text).toContain('die von Ihnen bestellte Kopie wurde geliefert: „A <new> & better method“ in: Nature. Lieferort: Zentralbibliothek, Lesesaal');
    expect(html).toContain('„A &lt;new&gt; &amp; better method“ in: Nature');
  });

  it('labels the status link in German in both bodies', () => {
    const { text, html } = render('shipped', full('shipped'), german, 'https://ill.example.org/status/abc');
    expect(text).toContain('Stand Ihrer Bestellung: https://ill.example.org/status/abc\n');
    expect(html).toContain('<a href="https://ill.example.org/status/abc">Stand Ihrer Bestellung</a>');
  });

  it('keeps a library’s own wording for the parts it overrides and fills the rest in its language', () => {
    const template = templateFor('shipped', 'de', { subject: 'Versandt: {{title}}' });
    expect(template.subject).toBe('Versandt: {{title}}');
    expect(template.text).toBe(DEFAULT_TEMPLATES.de.shipped.text);
    expect(template.html).toBe(DEFAULT_TEMPLATES.de.shipped.html);
  });
});

describe('dates in patron mail', () => {
  it('are written out for the language, in the library’s time zone', () => {
    expect(formatDate('2027-03-01T23:30:00Z', 'UTC', 'de')).toBe('Montag, 1. März 2027');
    expect(formatDate('2027-03-01T23:30:00Z', 'Europe/Berlin', 'de')).toBe('Dienstag, 2. März 2027');
    expect(formatDate('2027-03-01T23:30:00Z', 'Europe/Berlin', 'en')).toBe('Tuesday 2 March 2027');
  });
});

describe('the default wording of every language', () => {
  it.each(PATRON_LANGUAGES)('%s uses only each notice’s own variables and prints no name outside its {{#if}}, as saving a template demands', (language) => {
    const parsed = mailSettingsSchema.safeParse({ templates: DEFAULT_TEMPLATES[language] });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it.each(PATRON_LANGUAGES)('%s has the same variables in its text and HTML bodies, so both forms of a mail say the same', (language) => {
    const names = (source: string) => [...source.matchAll(/\{\{[#/]?(?:if |unless )?(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const notice of PATRON_NOTICES) expect(names(DEFAULT_TEMPLATES[language][notice].html)).toEqual(names(DEFAULT_TEMPLATES[language][notice].text));
  });
});
