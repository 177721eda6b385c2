/**
 * Patron mail reads well: a greeting by name when one is known (the request's, else the ILS's),
 * never an empty one; the pickup location by its name and address, not its code; the request
 * number instead of a UUID; each notice's own variables, and a template that would print a gap
 * or a variable the notice never has refused when saved.
 */
import { PATRON_NOTICES, type PatronNotice } from '../../../src/domain/types';
import { renderNotice, templateFor } from '../../../src/notify/render';
import { mailSettingsSchema } from '../../../src/notify/settings';
import { DEFAULT_TEMPLATES } from '../../../src/notify/templates';
import { variablesOf } from '../../../src/notify/variables';
import { buildNoticeView, type NoticeSource } from '../../../src/notify/view';

const ID = '3f2a91c4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const request = (patron: Record<string, unknown>, more: Record<string, unknown> = {}): NoticeSource => ({
  id: ID,
  number: 1042,
  serviceType: 'Loan',
  data: {
    bibliographic: { title: 'Kindred', author: 'Butler, Octavia E.' },
    patron: { id: 'P-1', email: 'ada@example.org', ...patron },
    pickupLocation: 'sci',
    lifecycle: { serviceType: 'Loan', dueDate: '2027-03-01T12:00:00Z', reason: 'cancelled by the supplier' },
    ...more,
  } as NoticeSource['data'],
});
const library = {
  name: 'Riverside Library',
  settings: { pickupLocations: [{ code: 'SCI', name: 'Science Library, ground floor', address: 'Universitetsparken 1, 2100 København Ø' }, { code: 'MAIN', name: 'Main desk' }] },
};
const render = (notice: PatronNotice, source: NoticeSource) => renderNotice(templateFor(notice, 'en'), buildNoticeView(source, library, notice, { timeZone: 'UTC', language: 'en' }));
/** A greeting with the name left out: "Dear ,", "Hi ,", "Dear  Urras", "Dear </p>". */
const EMPTY_NAME = /\b(Dear|Hi)\s*(,|<)|\b(Dear|Hi)\s{2,}|\b(Dear|Hi)$/m;

describe('the greeting', () => {
  it.each(PATRON_NOTICES)('%s greets a patron without a name with "Hello," in both bodies, never an empty name', (notice) => {
    for (const patron of [{}, { name: '   ' }, { givenName: '', surname: ' ' }]) {
      const { text, html } = render(notice, request(patron));
      expect(text).toMatch(/^Hello,\n/);
      expect(html).toContain('<p>Hello,</p>');
      expect(text).not.toMatch(EMPTY_NAME);
      expect(html).not.toMatch(EMPTY_NAME);
    }
  });

  it('greets by the name the request gives, else by the name the ILS gave (LookupUser)', () => {
    expect(render('shipped', request({ name: 'Ada Lovelace', givenName: 'Augusta', surname: 'King' })).text).toMatch(/^Dear Ada Lovelace,/);
    expect(render('shipped', request({ givenName: 'Shevek', surname: 'Urras' })).text).toMatch(/^Dear Shevek Urras,/);
    expect(render('shipped', request({ surname: 'Urras' })).html).toContain('<p>Dear Urras,</p>');
  });
});

describe('the pickup location', () => {
  it('is named as the library’s settings name it, with its address, whatever the case of the code the request carries', () => {
    const { text, html } = render('ready_for_pickup', request({ name: 'Ada' }));
    expect(text).toContain('ready for you to collect at Science Library, ground floor (Universitetsparken 1, 2100 København Ø).');
    expect(html).toContain('collect at Science Library, ground floor (Universitetsparken 1, 2100 København Ø).');
    expect(text).not.toMatch(/\bsci\b|\bSCI\b/);
  });

  it('has no brackets when the location has no address, and stays as written when no configured location has that code', () => {
    expect(render('shipped', request({}, { pickupLocation: 'MAIN' })).text).toContain('ready for you to collect at Main desk.');
    expect(render('delivered', request({}, { pickupLocation: 'Reading room 2' })).text).toContain('has been delivered to Reading room 2.');
  });
});

describe('the reference', () => {
  it('is the library’s request number, not the UUID, and no status link is printed when the view has none', () => {
    for (const notice of PATRON_NOTICES) {
      const { text, html } = render(notice, request({ name: 'Ada' }));
      expect(text).toContain('Your request number: 1042');
      expect(html).toContain('Your request number: 1042');
      expect(`${text}${html}`).not.toContain(ID);
      expect(`${text}${html}`).not.toMatch(/Follow your request|href/);
    }
  });

  it('shows the status link in both bodies once the view has one', () => {
    const view = { ...buildNoticeView(request({}), library, 'shipped', { timeZone: 'UTC', language: 'en' }), statusUrl: 'https://ill.example.org/patron/requests/x?t=1' };
    const { text, html } = renderNotice(templateFor('shipped', 'en'), view);
    expect(text).toContain('Follow your request: https://ill.example.org/patron/requests/x?t=1');
    expect(html).toContain('<a href="https://ill.example.org/patron/requests/x?t&#x3D;1">Follow your request</a>');
  });
});

describe('template variables per notice', () => {
  it('lists for each notice only what can have a value in it', () => {
    const names = (notice: PatronNotice) => variablesOf(notice).map((v) => v.name);
    expect(names('request_received')).toEqual(expect.arrayContaining(['patronName', 'item', 'pickupLocation', 'pickupLocationAddress', 'reference', 'statusUrl']));
    expect(names('request_received')).not.toEqual(expect.arrayContaining(['dueDate']));
    expect(names('request_received')).not.toContain('reason');
    expect(names('due_soon')).toContain('dueDate');
    expect(names('cancelled')).toContain('reason');
    expect(names('unfilled')).toContain('reason');
  });

  it('the default wording uses only its own notice’s variables and prints no name outside its {{#if}}', () => {
    const parsed = mailSettingsSchema.safeParse({ templates: DEFAULT_TEMPLATES.en });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  const saving = (notice: PatronNotice, text: string) => {
    const parsed = mailSettingsSchema.safeParse({ templates: { [notice]: { text, html: `<p>${text}</p>` } } });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses a name printed where it may be missing, in every body', () => {
    expect(saving('shipped', 'Hi {{patronName}}, it is on its way')).toEqual([
      'templates.shipped.text: {{patronName}} must be inside {{#if patronName}}…{{else}}…{{/if}}: a request can come without it, and the mail would say "Hi ,"',
      'templates.shipped.html: {{patronName}} must be inside {{#if patronName}}…{{else}}…{{/if}}: a request can come without it, and the mail would say "Hi ,"',
    ]);
    expect(saving('shipped', '{{#if patronName}}Hi {{patronName}},{{else}}Hello,{{/if}} it is on its way')).toEqual([]);
    expect(saving('shipped', '{{#unless patronName}}Hello,{{else}}Hi {{patronName}},{{/unless}}')).toEqual([]);
    expect(saving('shipped', '{{#if item}}Hi {{patronName}}{{/if}}')).toHaveLength(2);
    expect(saving('shipped', 'Follow it: {{statusUrl}}')[0]).toBe('templates.shipped.text: {{statusUrl}} must be inside {{#if statusUrl}}…{{else}}…{{/if}}: it can be missing, and the mail would show a gap where it stands');
    expect(saving('shipped', '{{#if statusUrl}}Follow it: {{statusUrl}}{{/if}}')).toEqual([]);
  });

  it('refuses another notice’s variable, naming the notices it belongs to', () => {
    expect(saving('shipped', 'Sorry: {{reason}}')).toEqual([
      'templates.shipped.text: {{reason}} is not a variable of shipped notices (it has a value only in cancelled, unfilled)',
      'templates.shipped.html: {{reason}} is not a variable of shipped notices (it has a value only in cancelled, unfilled)',
    ]);
    expect(saving('cancelled', 'Cancelled{{#if reason}}: {{reason}}{{/if}}')).toEqual([]);
    expect(saving('request_received', '{{neededBy}} {{dueDat}}')).toEqual([
      'templates.request_received.text: {{dueDat}} is not a variable of patron notices (did you mean {{dueDate}}?)',
      'templates.request_received.html: {{dueDat}} is not a variable of patron notices (did you mean {{dueDate}}?)',
    ]);
  });
});
