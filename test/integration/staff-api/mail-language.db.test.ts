/**
 * Staff see patron mail in the library's patron language: a German library's notice preview and
 * its template editor show the German default wording and German dates, the editor gets the
 * German sources to start from, and an English library's stay English.
 */
import request from 'supertest';
import { LIBRARY_A, LIBRARY_B, borrowing, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: patron mail in the library’s language', () => {
  let api: StaffApi;
  let requestId: string;
  beforeAll(async () => {
    api = await startStaffApi();
    const german = await request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings: { patrons: { language: 'de' } } });
    expect(german.status).toBe(200);
    const created = await request(api.app).post('/api/v1/requests').set('Authorization', api.keys.staffA).send(borrowing({ patron: { id: 'P-7', name: 'Erika Mustermann', email: 'erika@example.org' } }));
    expect(created.status).toBe(201);
    requestId = created.body.id;
  }, 120_000);
  afterAll(() => api.database.close());

  const draft = (body: object, event: string, symbol = LIBRARY_A, key = api.keys.staffA) =>
    request(api.app).post(`/api/v1/libraries/${encodeURIComponent(symbol)}/notices/${event}/preview`).set('Authorization', key).send(body);

  it('previews a German library’s notice for a request in German', async () => {
    const res = await request(api.app).get(`/api/v1/requests/${requestId}/notices/request_received/preview`).set('Authorization', api.keys.staffA);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('Ihre Fernleihbestellung ist eingegangen: Le Guin, Ursula K.: The Left Hand of Darkness');
    expect(res.body.text).toMatch(/^Guten Tag Erika Mustermann,\n\nwir haben Ihre Fernleihbestellung erhalten: Le Guin, Ursula K.: The Left Hand of Darkness\./);
    expect(res.body.text).toContain('Mit freundlichen Grüßen\nMain Library\nFernleihe');
  });

  it('shows the template editor the German defaults, rendered and as sources, with German dates and a German sample', async () => {
    const res = await draft({}, 'due_soon');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ renderedFor: 'sample', language: 'de', subject: 'Leihfrist endet bald: Butler, Octavia: Kindred' });
    expect(res.body.text).toMatch(/^Guten Tag Alex Muster,\n\ndie Leihfrist Ihrer Fernleihe endet am Montag, 1\. März 2027: Butler, Octavia: Kindred\./);
    expect(res.body.template.subject).toBe('Leihfrist endet bald: {{item}}');
    expect(res.body.template.text).toMatch(/^\{\{#if patronName\}\}Guten Tag \{\{patronName\}\},\{\{else\}\}Guten Tag,\{\{\/if\}\}\n\ndie Leihfrist Ihrer Fernleihe endet am \{\{dueDate\}\}/);
    expect(res.body.template.html).toContain('<p>Mit freundlichen Grüßen<br>{{libraryName}}<br>Fernleihe</p>');
  });

  it('keeps the draft’s own parts and fills the others with the German defaults', async () => {
    const res = await draft({ requestId, template: { subject: 'Versandt: {{title}} ({{dueDateIso}})' } }, 'shipped');
    expect(res.status).toBe(200);
    expect(res.body.renderedFor).toBe('request');
    expect(res.body.template.subject).toBe('Versandt: {{title}} ({{dueDateIso}})');
    expect(res.body.template.text).toContain('die liefernde Bibliothek hat Ihre Fernleihe an uns abgeschickt: {{item}}.');
    expect(res.body.text).toContain('Guten Tag Erika Mustermann,');
  });

  it('renders in the language chosen in the form before it is saved, and an English library in English', async () => {
    const asEnglish = await draft({ language: 'en' }, 'due_soon');
    expect(asEnglish.body).toMatchObject({ language: 'en', subject: 'Due soon: Kindred by Butler, Octavia' });
    expect(asEnglish.body.text).toContain('is due back on Monday 1 March 2027.');
    const english = await draft({}, 'due_soon', LIBRARY_B, api.keys.staffB);
    expect(english.status).toBe(200);
    expect(english.body).toMatchObject({ language: 'en', subject: 'Due soon: Kindred by Butler, Octavia' });
    expect(english.body.text).toMatch(/^Dear Alex Reader,/);
    expect((await draft({ language: 'fr' }, 'due_soon')).status).toBe(400);
  });
});
