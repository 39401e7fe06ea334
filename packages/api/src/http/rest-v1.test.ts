import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ADMIN_PASSWORD,
  createTestApp,
  serveTestApp,
  unzipText,
  type TestApp,
} from '../testing/harness';
import { JUNOS_SPACE_SAMPLES, SDN_SAMPLES } from '../testing/seed-samples';
import { REST_PREFIX, REST_ROUTES } from './rest-v1';
import type { Problem } from './surface';

interface Sent {
  status: number;
  type: string;
  headers: Headers;
  body: unknown;
}

describe('REST /api/v1', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let base: string;
  let ingest: string;
  let reader: string;
  let auditor: { username: string; password: string };
  const adminBasic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

  beforeAll(async () => {
    app = await createTestApp();
    ({ server, base } = await serveTestApp(app));
    ingest = `Bearer ${(await app.token(['ingest'])).secret}`;
    reader = `Bearer ${(await app.token(['read'])).secret}`;
    auditor = await app.userWithRole('auditor', 'rest.auditor');
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  async function send(
    method: string,
    path: string,
    options: { auth?: string; body?: unknown; cookie?: string; raw?: string } = {},
  ): Promise<Sent> {
    const headers: Record<string, string> = {};
    if (options.auth) headers.authorization = options.auth;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined || options.raw !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.raw !== undefined
        ? { body: options.raw }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    return {
      status: response.status,
      type,
      headers: response.headers,
      body: type.includes('json') && text ? (JSON.parse(text) as unknown) : text,
    };
  }

  const problemOf = (sent: Sent) => {
    expect(sent.type).toContain('application/problem+json');
    return sent.body as Problem;
  };

  it('records one event, an array, or { events }, and lists them back by query parameters', async () => {
    const [first, ...rest] = SDN_SAMPLES;
    const one = await send('POST', `${REST_PREFIX}/events`, { auth: ingest, body: first });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ stored: 1, duplicates: 0, conflicts: 0 });
    const array = await send('POST', `${REST_PREFIX}/events`, {
      auth: ingest,
      body: rest.slice(0, 2),
    });
    expect(array.body).toMatchObject({ stored: 2 });
    const wrapped = await send('POST', `${REST_PREFIX}/events`, {
      auth: ingest,
      body: { events: [...rest.slice(2), ...JUNOS_SPACE_SAMPLES] },
    });
    expect(wrapped.body).toMatchObject({ stored: 3 + JUNOS_SPACE_SAMPLES.length });
    // A retry is a duplicate, not a second copy.
    const again = await send('POST', `${REST_PREFIX}/events`, { auth: ingest, body: first });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });

    const list = await send(
      'GET',
      `${REST_PREFIX}/events?userName=sdn&taskName=Artifact%20Management%20-%20Upload&taskName=Artifact%20Management%20-%20Refresh&sort=occurredAt&limit=3`,
      { auth: reader },
    );
    expect(list.status).toBe(200);
    const page = list.body as {
      items: { eventId: string; occurredAt: string; taskName: string; systemId: string }[];
      total: number;
      nextCursor: string | null;
    };
    const expected = SDN_SAMPLES.filter((e) => /Upload|Refresh/.test(e.taskName)).map((e) => ({
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      taskName: e.taskName,
      systemId: e.systemId,
    }));
    expect(page.total).toBe(4);
    expect(page.items).toEqual(
      expected.slice(0, 3).map((e): unknown => expect.objectContaining(e)),
    );
    const next = await send(
      'GET',
      `${REST_PREFIX}/events?userName=sdn&taskName=Artifact%20Management%20-%20Upload&taskName=Artifact%20Management%20-%20Refresh&sort=occurredAt&limit=3&cursor=${page.nextCursor ?? ''}`,
      { auth: reader },
    );
    expect((next.body as typeof page).items).toEqual([expect.objectContaining(expected[3])]);

    // The search box, a time range in epoch ms, descending sort, offset.
    const searched = await send(
      'GET',
      `${REST_PREFIX}/events?q=${encodeURIComponent('user:super status:success')}&from=${Date.parse('2011-08-29T00:00:00Z')}&sort=-occurredAt&offset=1&limit=1`,
      { auth: reader },
    );
    expect((searched.body as typeof page).items.map((e) => e.occurredAt)).toEqual([
      '2011-08-29T04:46:18.000Z',
    ]);

    // The filter's where tree, as JSON in its own parameter.
    const where = {
      any: [
        {
          all: [
            { field: 'userName', op: 'eq', value: 'super' },
            { field: 'resultCode', op: 'ne', value: null },
          ],
        },
        { field: 'taskName', op: 'startsWith', value: 'Artifact Management - Up' },
      ],
    };
    const tree = await send(
      'GET',
      `${REST_PREFIX}/events?where=${encodeURIComponent(JSON.stringify(where))}&sort=occurredAt`,
      { auth: reader },
    );
    expect(tree.status).toBe(200);
    expect((tree.body as typeof page).items.map((e) => e.occurredAt)).toEqual([
      '2011-08-29T04:42:27.000Z',
      '2011-08-29T05:31:25.000Z',
      '2013-06-05T17:54:19.265Z',
      '2013-06-05T17:54:20.975Z',
    ]);

    // byId, histogram, facets.
    const id = (one.body as { events: { id: string }[] }).events[0]?.id ?? '';
    const detail = await send('GET', `${REST_PREFIX}/events/${id}`, { auth: reader });
    expect(detail.body).toMatchObject({ id, eventId: first?.eventId, job: null });
    const histogram = await send(
      'GET',
      `${REST_PREFIX}/events/histogram?userName=sdn&buckets=4&timeZone=UTC`,
      { auth: reader },
    );
    const buckets = (histogram.body as { buckets: { total: number }[] }).buckets;
    expect(buckets.reduce((sum, b) => sum + b.total, 0)).toBe(SDN_SAMPLES.length);
    // regression: a list parameter given once (`?fields=status`) was refused as not a list.
    const once = await send('GET', `${REST_PREFIX}/events/facets?userName=sdn&fields=status`, {
      auth: reader,
    });
    expect(once.status).toBe(200);
    expect(once.body).toMatchObject({
      fields: { status: [{ value: 'success', count: SDN_SAMPLES.length }] },
    });
    const facets = await send(
      'GET',
      `${REST_PREFIX}/events/facets?userName=sdn&fields=taskName&fields=status&limit=2`,
      { auth: reader },
    );
    expect(facets.body).toMatchObject({
      fields: {
        taskName: [
          { value: expect.stringMatching(/^Artifact Management/), count: 2 },
          { value: expect.stringMatching(/^Artifact Management/), count: 2 },
        ],
        status: [{ value: 'success', count: SDN_SAMPLES.length }],
      },
    });
  });

  it('answers bad input as problem details naming each parameter', async () => {
    const bad = await send('GET', `${REST_PREFIX}/events?limit=5000&userIp=not-an-ip`, {
      auth: reader,
    });
    expect(bad.status).toBe(400);
    const problem = problemOf(bad);
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', code: 'BAD_REQUEST' });
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(['limit', 'userIp']);
    expect(problem.detail).toContain('limit: must be at most 2000');

    const unknown = problemOf(
      await send('GET', `${REST_PREFIX}/events?colour=red`, { auth: reader }),
    );
    expect(unknown.detail).toMatch(/^colour: not a parameter of GET \/api\/v1\/events; known: q, /);

    const sort = problemOf(
      await send('GET', `${REST_PREFIX}/events?sort=-metadata`, { auth: reader }),
    );
    expect(sort.errors?.[0]?.field).toBe('sort.field');

    const body = await send('POST', `${REST_PREFIX}/events`, {
      auth: ingest,
      body: { events: [{ userName: 'x', taskName: 'y', status: 'maybe', userIp: '1.2.3' }] },
    });
    expect(body.status).toBe(400);
    expect(
      problemOf(body)
        .errors?.map((e) => e.field)
        .sort(),
    ).toEqual(['events.0.status', 'events.0.userIp']);

    const notJson = await send('POST', `${REST_PREFIX}/events`, { auth: ingest, raw: '{oops' });
    expect(notJson.status).toBe(400);
    expect(problemOf(notJson).detail).toContain('not valid JSON');

    const noRoute = await send('GET', `${REST_PREFIX}/nowhere`, { auth: reader });
    expect(noRoute.status).toBe(404);
    expect(problemOf(noRoute).detail).toBe('no route GET /api/v1/nowhere');

    const missing = await send('GET', `${REST_PREFIX}/events/999999`, { auth: reader });
    expect(missing.status).toBe(404);
    expect(problemOf(missing).code).toBe('NOT_FOUND');
  });

  it('takes a token, the session cookie, or HTTP Basic, and says why when they do not hold', async () => {
    const anonymous = await send('GET', `${REST_PREFIX}/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    expect(problemOf(anonymous).detail).toBe('sign in, or send an API token');

    const login = await fetch(`${base}${REST_PREFIX}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: auditor.username, password: auditor.password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^audit_session=/);
    const me = await send('GET', `${REST_PREFIX}/auth/me`, { cookie });
    expect(me.body).toMatchObject({ kind: 'user', username: auditor.username, role: 'auditor' });

    const basic = `Basic ${Buffer.from(`${auditor.username}:${auditor.password}`).toString('base64')}`;
    expect((await send('GET', `${REST_PREFIX}/events?limit=1`, { auth: basic })).status).toBe(200);
    // An auditor may read, not administer.
    const users = await send('GET', `${REST_PREFIX}/users`, { auth: basic });
    expect(users.status).toBe(403);
    expect(problemOf(users).detail).toBe('only an admin may do this');
    expect((await send('GET', `${REST_PREFIX}/users`, { auth: adminBasic })).status).toBe(200);

    const wrong = `Basic ${Buffer.from(`${auditor.username}:not-the-password`).toString('base64')}`;
    const refused = await send('GET', `${REST_PREFIX}/events`, { auth: wrong });
    expect(refused.status).toBe(401);
    expect(problemOf(refused).detail).toBe('wrong user name or password');
    const recorded = await app.admin.auditLogs.list({
      filter: { taskName: 'auth.basic', userName: auditor.username },
    });
    expect(recorded.items).toEqual([
      expect.objectContaining({
        status: 'failure',
        description: 'Login failed: invalid credentials (HTTP Basic)',
      }),
    ]);

    const garbled = await send('GET', `${REST_PREFIX}/events`, { auth: 'Basic !!!' });
    expect(garbled.status).toBe(401);
    expect(problemOf(garbled).detail).toContain('Basic <base64 of user:password>');
    const revoked = await send('GET', `${REST_PREFIX}/events`, { auth: 'Bearer alm_unknown' });
    expect(problemOf(revoked).detail).toBe('the API token is unknown, revoked or expired');
  });

  it('throttles HTTP Basic like the sign-in form: the pair is blocked after 10 failures', async () => {
    const victim = await app.userWithRole('auditor', 'rest.basic.victim');
    const wrong = `Basic ${Buffer.from(`${victim.username}:wrong-password`).toString('base64')}`;
    for (let i = 0; i < 10; i++) {
      expect((await send('GET', `${REST_PREFIX}/auth/me`, { auth: wrong })).status).toBe(401);
    }
    const right = `Basic ${Buffer.from(`${victim.username}:${victim.password}`).toString('base64')}`;
    const blocked = await send('GET', `${REST_PREFIX}/auth/me`, { auth: right });
    expect(blocked.status).toBe(429);
    expect(problemOf(blocked).detail).toMatch(/too many failed sign-ins; try again in 15 minutes/);
  });

  it('exports through a job and downloads the archive', async () => {
    const started = await send('POST', `${REST_PREFIX}/exports`, {
      auth: reader,
      body: { filter: { userName: 'sdn' }, format: 'json' },
    });
    expect(started.status).toBe(202);
    const job = started.body as { id: string; state: string };
    expect(started.headers.get('location')).toBe(`${REST_PREFIX}/jobs/${job.id}`);
    await app.runJobs();
    const done = await send('GET', `${REST_PREFIX}/jobs/${job.id}`, { auth: reader });
    expect(done.body).toMatchObject({ state: 'success', percent: 100 });

    const archives = await send('GET', `${REST_PREFIX}/exports?kind=export&limit=5`, {
      auth: reader,
    });
    const archive = (archives.body as { items: { id: string; jobId: string; rowCount: number }[] })
      .items[0];
    expect(archive).toMatchObject({ jobId: job.id, rowCount: SDN_SAMPLES.length });
    const download = await fetch(`${base}${REST_PREFIX}/archives/${archive?.id}/download`, {
      headers: { authorization: reader },
    });
    expect(download.headers.get('content-type')).toBe('application/zip');
    const files = await unzipText(Buffer.from(await download.arrayBuffer()));
    const json = Object.entries(files).find(([name]) => name.endsWith('.json'))?.[1] ?? '';
    const rows = JSON.parse(json) as { eventId: string }[];
    expect(rows.map((r) => r.eventId).sort()).toEqual(SDN_SAMPLES.map((e) => e.eventId).sort());

    const none = await send('GET', `${REST_PREFIX}/archives/123456/download`, { auth: reader });
    expect(none.status).toBe(404);
    expect(problemOf(none).detail).toBe('no archive 123456');
  });

  it("takes a service's job report by key, and cancels, purges and sets retention for admins", async () => {
    const report = { name: 'Nightly sync', type: 'sync', state: 'in_progress', percent: 40 };
    const created = await send('PUT', `${REST_PREFIX}/jobs/by-key/sync-1`, {
      auth: ingest,
      body: report,
    });
    expect(created.body).toMatchObject({
      created: true,
      job: { name: 'Nightly sync', percent: 40 },
    });
    const updated = await send('PUT', `${REST_PREFIX}/jobs/by-key/sync-1`, {
      auth: ingest,
      body: { ...report, state: 'success', percent: 100 },
    });
    expect(updated.body).toMatchObject({ created: false, job: { state: 'success' } });

    const preview = await send('POST', `${REST_PREFIX}/purges/preview`, {
      auth: adminBasic,
      body: { before: '2012-01-01T00:00:00Z' },
    });
    expect(preview.body).toEqual({
      count: JUNOS_SPACE_SAMPLES.length,
      held: 0,
      before: '2012-01-01T00:00:00.000Z',
    });
    const purge = await send('POST', `${REST_PREFIX}/purges`, {
      auth: adminBasic,
      body: { before: '2012-01-01T00:00:00Z', archive: false },
    });
    expect(purge.status).toBe(202);
    const cancel = await send(
      'POST',
      `${REST_PREFIX}/jobs/${(purge.body as { id: string }).id}/cancel`,
      {
        auth: adminBasic,
      },
    );
    expect(cancel.body).toMatchObject({ cancelRequested: true });

    const retention = await send('PUT', `${REST_PREFIX}/retention`, {
      auth: adminBasic,
      body: { days: 400, archive: true },
    });
    expect(retention.body).toMatchObject({ days: 400, archive: true });
    expect(
      (await send('GET', `${REST_PREFIX}/retention`, { auth: adminBasic })).body,
    ).toMatchObject({
      days: 400,
    });
  });

  it('manages users and tokens for admins', async () => {
    const user = await send('POST', `${REST_PREFIX}/users`, {
      auth: adminBasic,
      body: { username: 'rest.user', password: 'a-long-enough-password', role: 'auditor' },
    });
    expect(user.status).toBe(201);
    const id = (user.body as { id: string }).id;
    const patched = await send('PATCH', `${REST_PREFIX}/users/${id}`, {
      auth: adminBasic,
      body: { role: 'admin' },
    });
    expect(patched.body).toMatchObject({ id, role: 'admin' });
    const duplicate = await send('POST', `${REST_PREFIX}/users`, {
      auth: adminBasic,
      body: { username: 'rest.user', password: 'a-long-enough-password', role: 'auditor' },
    });
    expect(duplicate.status).toBe(409);

    const token = await send('POST', `${REST_PREFIX}/tokens`, {
      auth: adminBasic,
      body: { name: 'rest-token', scopes: ['read'] },
    });
    expect(token.status).toBe(201);
    const { secret, token: info } = token.body as { secret: string; token: { id: string } };
    expect(
      (await send('GET', `${REST_PREFIX}/events?limit=1`, { auth: `Bearer ${secret}` })).status,
    ).toBe(200);
    const revoked = await send('DELETE', `${REST_PREFIX}/tokens/${info.id}`, { auth: adminBasic });
    expect(revoked.status).toBe(200);
    expect(
      (await send('GET', `${REST_PREFIX}/events?limit=1`, { auth: `Bearer ${secret}` })).status,
    ).toBe(401);
  });

  it('places, lists and releases legal holds for admins; auditors read them', async () => {
    const bad = await send('POST', `${REST_PREFIX}/holds`, {
      auth: adminBasic,
      body: { name: 'rest hold', reason: 'case', filter: { q: 'usr:x' } },
    });
    expect(bad.status).toBe(400);
    expect(problemOf(bad).detail).toMatch(/^filter\.q: /);

    const created = await send('POST', `${REST_PREFIX}/holds`, {
      auth: adminBasic,
      body: { name: 'rest hold', reason: 'case 12', filter: { q: 'user:nobody.here' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'rest hold',
      active: true,
      held: { count: 0, isEstimate: false },
    });
    const { id } = created.body as { id: string };

    const auditorBasic = `Basic ${Buffer.from(`${auditor.username}:${auditor.password}`).toString('base64')}`;
    const listed = await send('GET', `${REST_PREFIX}/holds?limit=10`, { auth: auditorBasic });
    expect(listed.status).toBe(200);
    expect((listed.body as { items: { id: string }[] }).items.map((h) => h.id)).toContain(id);
    const forbidden = await send('POST', `${REST_PREFIX}/holds/${id}/release`, {
      auth: auditorBasic,
    });
    expect(forbidden.status).toBe(403);

    const released = await send('POST', `${REST_PREFIX}/holds/${id}/release`, {
      auth: adminBasic,
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ id, active: false, releasedBy: 'admin', held: null });
    const again = await send('POST', `${REST_PREFIX}/holds/${id}/release`, { auth: adminBasic });
    expect(again.status).toBe(409);
  });

  it('serves every route it declares, and nothing else under /api/v1', async () => {
    const described = new Set(
      REST_ROUTES.map((route) => `${route.method} ${REST_PREFIX}${route.path}`),
    );
    expect(described.size).toBe(REST_ROUTES.length);
    for (const route of REST_ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, '1');
      const sent = await send(route.method, `${REST_PREFIX}${path}`);
      // Unauthenticated: refused by the procedure (401), or bad input (400): never "no route".
      expect([400, 401], `${route.method} ${route.path}`).toContain(sent.status);
    }
  });
});
