/** Notice wording: defaults for every notice, escaping, library overrides, and what settings accept. */
import { PATRON_NOTICES, type PatronNotice } from '../../../src/domain/types';
import { renderNotice, templateFor } from '../../../src/notify/render';
import { mailSettingsSchema } from '../../../src/notify/settings';
import { buildNoticeView, formatDate, type NoticeSource } from '../../../src/notify/view';
import { noticeDedupeKey } from '../../../src/services/notices/notices';
import { reminderFor } from '../../../src/services/notices/sweep';

const loan = (over: Record<string, unknown> = {}, lifecycle: Record<string, unknown> = {}): NoticeSource => ({
  id: 'req-1',
  number: 7,
  serviceType: 'Loan',
  data: {
    bibliographic: { title: 'Kindred', author: 'Butler, Octavia E.' },
    patron: { id: 'P-1', name: 'Ada', email: 'ada@example.org' },
    pickupLocation: 'Main desk',
    lifecycle: { serviceType: 'Loan', dueDate: '2027-03-01T12:00:00Z', ...lifecycle },
    ...over,
  },
});
const library = { name: 'Riverside Library' };
const render = (notice: PatronNotice, source = loan()) => renderNotice(templateFor(notice, 'en'), buildNoticeView(source, library, notice, { timeZone: 'UTC', language: 'en' }));

describe('default notices', () => {
  it.each(PATRON_NOTICES)('%s names the item in subject and both bodies, and signs with the library', (notice) => {
    const { subject, text, html } = render(notice);
    expect(subject).toContain('Kindred');
    expect(text).toContain('Kindred by Butler, Octavia E.');
    expect(html).toContain('Kindred by Butler, Octavia E.');
    expect(text).toContain('Riverside Library');
    expect(text).not.toMatch(/\{\{|undefined|null/);
    expect(html).not.toMatch(/\{\{|undefined|null/);
  });

  it.each([
    ['ready_for_pickup', ['collect at Main desk', 'due back on Monday 1 March 2027']],
    ['due_soon', ['due back on Monday 1 March 2027']],
    ['overdue', ['was due back on Monday 1 March 2027']],
    ['renewed', ['The new due date is Monday 1 March 2027']],
    ['renew_refused', ['could not renew', 'return it by Monday 1 March 2027']],
    ['recalled', ['needs Kindred by Butler, Octavia E. back', 'by Monday 1 March 2027']],
  ] as const)('%s tells the patron what matters', (notice, phrases) => {
    const { text } = render(notice);
    for (const phrase of phrases) expect(text).toContain(phrase);
  });

  it('gives the reason an unfilled request ended in words, not codes or partner symbols', () => {
    const { text } = render('unfilled', loan({}, { reason: 'rota exhausted: ISIL:DK-2 answered Unfilled (NotHeld)' }));
    expect(text).toContain('(none of the libraries we asked hold it)');
    expect(text).not.toContain('ISIL:DK-2');
  });

  it('says so when the lending library cancelled', () => {
    expect(render('cancelled', loan({}, { reason: 'cancelled by the supplier' })).text).toContain('has been cancelled: the lending library cancelled it.');
  });

  it('describes an article in its journal for copies', () => {
    const { subject } = render('delivered', { ...loan({ bibliographic: { title: 'Nature', titleOfComponent: 'A new & better method' } }), serviceType: 'Copy' });
    expect(subject).toBe('Your copy has been delivered: "A new & better method" in Nature');
  });

  it('greets without a name when the patron has none, and names an item known only by ISBN', () => {
    const { text } = render('shipped', loan({ patron: { id: 'P-2' }, bibliographic: { isbn: '9780807083697' } }));
    expect(text).toMatch(/^Hello,/);
    expect(text).toContain('the item with ISBN 9780807083697');
  });

  it('escapes request data in HTML and keeps the subject on one line', () => {
    const { subject, html } = render('shipped', loan({ bibliographic: { title: 'A\r\nBcc: evil@example.org <img src=x onerror=alert(1)>' } }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('writes due dates in the library’s time zone', () => {
    expect(formatDate('2027-03-01T23:30:00Z', 'UTC', 'en')).toBe('Monday 1 March 2027');
    expect(formatDate('2027-03-01T23:30:00Z', 'Europe/Copenhagen', 'en')).toBe('Tuesday 2 March 2027');
  });
});

describe('a library’s template override', () => {
  it('replaces only the parts it names', () => {
    const template = templateFor('shipped', 'en', { subject: 'Sent: {{title}}' });
    expect(template.subject).toBe('Sent: {{title}}');
    expect(template.text).toBe(templateFor('shipped', 'en').text);
  });
});

describe('mail settings', () => {
  it('defaults to every notice on, UTC, and no overrides', () => {
    expect(mailSettingsSchema.parse({})).toEqual({ enabled: true, timeZone: 'UTC', templates: {} });
  });

  it.each([
    [{ templates: { shipped: { html: '<p>{{{title}}}</p>' } } }, 'templates.shipped.html', /unescaped/],
    [{ templates: { shipped: { html: '<p>{{& title}}</p>' } } }, 'templates.shipped.html', /unescaped/],
    [{ templates: { shipped: { subject: 'Sent {{#if title}}' } } }, 'templates.shipped.subject', /not a valid Handlebars template/],
    [{ templates: { lost_in_space: { subject: 'x' } } }, 'templates', /lost_in_space/],
    [{ events: ['shipped', 'teleported'] }, 'events.1', /./],
    [{ fromAddress: 'not-an-address' }, 'fromAddress', /e-mail address/],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /IANA time zone/],
    [{ colour: 'blue' }, '', /colour/],
  ])('refuses %j at %s', (settings, path, message) => {
    const result = mailSettingsSchema.safeParse(settings);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toMatch(message);
  });
});

describe('dedupe keys: one mail per event, reminders once per due date', () => {
  it.each([
    ['shipped', '2027-03-01T12:00:00Z', 'r:shipped'],
    ['due_soon', '2027-03-01T12:00:00Z', 'r:due_soon:2027-03-01T12:00:00.000Z'],
    ['overdue', '2027-03-01T12:00:00.000+00:00', 'r:overdue:2027-03-01T12:00:00.000Z'],
    ['renewed', '2027-04-01T12:00:00Z', 'r:renewed:2027-04-01T12:00:00.000Z'],
    ['renewed', undefined, 'r:renewed'],
  ] as const)('%s due %s -> %s', (notice, dueDate, key) => {
    expect(noticeDedupeKey('r', notice, dueDate)).toBe(key);
  });
});

describe('which loans the daily sweep reminds', () => {
  const now = new Date('2027-03-01T07:00:00Z');
  const request = (state: string, dueDate: string | undefined, resumeState?: string) => ({
    id: 'r',
    role: 'requester' as const,
    state,
    data: { lifecycle: { serviceType: 'Loan' as const, ...(dueDate ? { dueDate } : {}), ...(resumeState ? { resumeState } : {}) } },
  });

  it.each([
    ['checked_out', '2027-03-03T23:59:59Z', undefined, 'due_soon'],
    ['received', '2027-03-04T07:00:00Z', undefined, 'due_soon'],
    ['checked_out', '2027-03-04T07:00:01Z', undefined, undefined],
    ['checked_out', '2027-02-28T23:59:59Z', undefined, 'overdue'],
    ['overdue', '2027-02-20T00:00:00Z', 'checked_out', 'overdue'],
    ['recalled', '2027-03-02T00:00:00Z', 'checked_out', 'due_soon'],
    ['overdue', '2027-02-20T00:00:00Z', 'returned_by_patron', undefined],
    ['returned_by_patron', '2027-02-20T00:00:00Z', undefined, undefined],
    ['complete', '2027-02-20T00:00:00Z', undefined, undefined],
    ['checked_out', undefined, undefined, undefined],
  ])('%s due %s (item at %s): %s', (state, dueDate, resumeState, expected) => {
    expect(reminderFor(request(state, dueDate, resumeState), now, 3)?.notice).toBe(expected);
  });

  it('leaves lending requests alone: their patrons belong to the partner', () => {
    expect(reminderFor({ ...request('checked_out', '2027-02-01T00:00:00Z'), role: 'supplier' }, now, 3)).toBeUndefined();
  });
});
