/**
 * The patron mail template editor's server side: a draft renders for a real request or a sample
 * without being saved, an unknown variable is reported with the known name it most likely means
 * (and refused when saved), and the plain-text and HTML bodies are overridden together, so the
 * old HTML can never go out beside a new text.
 */
import request from 'supertest';
import { LIBRARY_A, LIBRARY_B, borrowing, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('staff API: draft template preview (POST /libraries/{symbol}/notices/{event}/preview)', () => {
  let api: StaffApi;
  let requestId: string;
  beforeAll(async () => {
    api = await startStaffApi();
    const created = await request(api.app)
      .post('/api/v1/requests')
      .set('Authorization', api.keys.staffA)
      .send(borrowing({ bibliographic: { title: 'Middlemarch', author: 'Eliot, George' }, patron: { id: 'P-9', name: 'Dorothea Brooke', email: 'd@example.org' } }));
    expect(created.status).toBe(201);
    requestId = created.body.id;
  }, 120_000);
  afterAll(() => api.database.close());

  const preview = (body: object, event = 'shipped', key = api.keys.staffA, symbol = LIBRARY_A) =>
    request(api.app).post(`/api/v1/libraries/${symbol}/notices/${event}/preview`).set('Authorization', key).send(body);
  const patch = (templates: object) => request(api.app).patch(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin).send({ settings: { mail: { templates } } });

  it('renders a draft for a real request, the default wording standing in for parts left out', async () => {
    const res = await preview({ requestId, template: { subject: 'Posted to you, {{patronName}}: {{title}}' } });
    expect(res.status).toBe(200);
    expect(res.body.renderedFor).toBe('request');
    expect(res.body.subject).toBe('Posted to you, Dorothea Brooke: Middlemarch');
    expect(res.body.text).toContain('Dear Dorothea Brooke,');
    expect(res.body.unknownVariables).toEqual([]);
    expect(res.body.variables.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['patronName', 'item', 'dueDate', 'pickupLocation', 'libraryName', 'reference']));
  });

  it('renders for a sample request when none is chosen, and saves nothing', async () => {
    const res = await preview({ template: { subject: 'Due: {{dueDate}}' } }, 'due_soon');
    expect(res.status).toBe(200);
    expect(res.body.renderedFor).toBe('sample');
    expect(res.body.subject).toBe('Due: Monday 1 March 2027');
    const stored = await request(api.app).get(`/api/v1/libraries/${LIBRARY_A}`).set('Authorization', api.keys.admin);
    expect(stored.body.settings.mail).toBeUndefined();
  });

  it('reports a misspelt variable with the nearest known name, and saving it is refused with the same words', async () => {
    const res = await preview({ template: { subject: 'Hello {{patronNmae}}', text: 'For {{#if patronName}}{{patronName}}{{/if}} at {{pickupLocaton}} {{wholelyUnknown}}', html: '<p>{{item}}</p>' } });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('Hello');
    expect(res.body.unknownVariables).toEqual([
      { part: 'subject', name: 'patronNmae', suggestion: 'patronName' },
      { part: 'text', name: 'pickupLocaton', suggestion: 'pickupLocation' },
      { part: 'text', name: 'wholelyUnknown' },
    ]);
    const saved = await patch({ shipped: { subject: 'Hello {{patronNmae}}' } });
    expect(saved.status).toBe(400);
    expect(saved.body.errors).toEqual([{ path: 'settings.mail.templates.shipped.subject', message: '{{patronNmae}} is not a variable of patron notices (did you mean {{patronName}}?)' }]);
  });

  it('overrides the text and HTML bodies together: the one without the other is refused, in the preview and on PATCH', async () => {
    const textOnly = await preview({ template: { text: 'Your book {{item}} is on its way.' } });
    expect(textOnly.status).toBe(400);
    expect(textOnly.body.errors.map((e: { path: string }) => e.path)).toEqual(['template.html']);
    const saveTextOnly = await patch({ shipped: { text: 'Your book {{item}} is on its way.' } });
    expect(saveTextOnly.status).toBe(400);
    expect(saveTextOnly.body.errors[0].path).toBe('settings.mail.templates.shipped.html');
    expect((await patch({ shipped: { html: '<p>{{item}}</p>' } })).body.errors[0].path).toBe('settings.mail.templates.shipped.text');

    const both = await patch({ shipped: { text: 'Your book {{item}} is on its way.', html: '<p>Your book {{item}} is on its way.</p>' } });
    expect(both.status).toBe(200);
    const sent = await request(api.app).get(`/api/v1/requests/${requestId}/notices/shipped/preview`).set('Authorization', api.keys.staffA);
    expect(sent.body.text).toBe('Your book Middlemarch by Eliot, George is on its way.');
    expect(sent.body.html).toBe('<p>Your book Middlemarch by Eliot, George is on its way.</p>');
  });

  it('lists each notice’s own variables, reports another notice’s variable with the notices that have it, and saving refuses it as problem+json', async () => {
    const received = await preview({ template: { subject: 'Got it: {{item}} ({{reason}})' } }, 'request_received');
    expect(received.status).toBe(200);
    const names = received.body.variables.map((v: { name: string }) => v.name);
    expect(names).toEqual(expect.arrayContaining(['patronName', 'item', 'pickupLocation', 'pickupLocationAddress', 'reference', 'statusUrl']));
    expect(names).not.toContain('dueDate');
    expect(names).not.toContain('reason');
    expect(received.body.unknownVariables).toEqual([{ part: 'subject', name: 'reason', onlyIn: ['cancelled', 'unfilled'] }]);
    expect((await preview({}, 'cancelled')).body.variables.map((v: { name: string }) => v.name)).toContain('reason');

    const saved = await patch({ request_received: { subject: 'Got it: {{item}} ({{reason}})' } });
    expect(saved.status).toBe(400);
    expect(saved.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(saved.body.errors).toEqual([{ path: 'settings.mail.templates.request_received.subject', message: '{{reason}} is not a variable of request_received notices (it has a value only in cancelled, unfilled)' }]);
  });

  it('refuses a template that would print an empty name ("Hi ,"), and takes it with the name under its {{#if}}', async () => {
    const bare = await patch({ shipped: { subject: 'Hi {{patronName}}, {{item}} is on its way' } });
    expect(bare.status).toBe(400);
    expect(bare.body.errors).toEqual([
      { path: 'settings.mail.templates.shipped.subject', message: '{{patronName}} must be inside {{#if patronName}}…{{else}}…{{/if}}: a request can come without it, and the mail would say "Hi ,"' },
    ]);
    expect((await patch({ shipped: { subject: '{{#if patronName}}Hi {{patronName}}, {{/if}}{{item}} is on its way' } })).status).toBe(200);
  });

  it('documents the variables of every notice with the library settings', async () => {
    const doc = await request(api.app).get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    const templates = JSON.stringify(doc.body);
    expect(templates).toMatch(/Per-notice templates[^"]*The variables of each notice: request_received: patronName, item, title/);
    expect(templates).toMatch(/cancelled: [^;]*reason/);
  });

  it('keeps other libraries’ requests out of a library’s preview', async () => {
    expect((await preview({ requestId }, 'shipped', api.keys.admin, LIBRARY_B)).status).toBe(404);
    expect((await preview({}, 'shipped', api.keys.staffB)).status).toBe(404);
    expect((await preview({}, 'teleported')).status).toBe(400);
  });
});
