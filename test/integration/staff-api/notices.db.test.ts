import request from 'supertest';
import { LIBRARY_A, borrowing, startStaffApi, type StaffApi } from '../../helpers/staff-api';

describe('notice preview (GET /api/v1/requests/{id}/notices/{event}/preview)', () => {
  let api: StaffApi;
  let requestId: string;
  beforeAll(async () => {
    api = await startStaffApi();
    const created = await request(api.app)
      .post('/api/v1/requests')
      .set('Authorization', api.keys.staffA)
      .send(borrowing({ bibliographic: { title: 'Tom & Jerry <script>' }, patron: { id: 'P-9', name: 'Ada', email: 'ada@example.org' } }));
    expect(created.status).toBe(201);
    requestId = created.body.id;
  });
  afterAll(() => api.database.close());

  const preview = (key: string, event: string, id = requestId) => request(api.app).get(`/api/v1/requests/${id}/notices/${event}/preview`).set('Authorization', key);

  it('renders the notice with the request’s data, HTML escaped, and sends nothing', async () => {
    const res = await preview(api.keys.readOnly, 'shipped');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ to: 'ada@example.org', from: { address: 'ill@localhost', name: 'Main Library' } });
    expect(res.body.text).toContain('Tom & Jerry <script>');
    expect(res.body.html).toContain('Tom &amp; Jerry &lt;script&gt;');
    expect(res.body.html).not.toContain('<script>');
    expect(res.body.notSent).toBeUndefined();
  });

  it('uses the library’s own template when it has one', async () => {
    const patched = await request(api.app)
      .patch(`/api/v1/libraries/${LIBRARY_A}`)
      .set('Authorization', api.keys.admin)
      .send({ settings: { mail: { templates: { shipped: { subject: 'Posted: {{title}}' } } } } });
    expect(patched.status).toBe(200);
    expect((await preview(api.keys.staffA, 'shipped')).body.subject).toBe('Posted: Tom & Jerry <script>');
  });

  it('refuses an unknown notice and hides other libraries’ requests', async () => {
    expect((await preview(api.keys.staffA, 'teleported')).status).toBe(400);
    expect((await preview(api.keys.staffB, 'shipped')).status).toBe(404);
  });
});
