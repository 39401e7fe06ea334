import { tmpdir } from 'node:os';

import { createTestDb } from '@audit/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureFirstAdmin } from './bootstrap';
import type { AppRouter } from './root';
import { buildServer } from './server';

const PASSWORD = 'http-test-admin-password';

describe('over HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  let closeStore: () => Promise<void>;

  beforeAll(async () => {
    const store = await createTestDb();
    closeStore = () => store.close();
    await ensureFirstAdmin(store.db, PASSWORD, new Date());
    app = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store,
      archiveDir: tmpdir(),
      sleep: () => Promise.resolve(),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await closeStore();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function signIn(): Promise<string> {
    const response = await post('auth.login', { username: 'admin', password: PASSWORD });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^audit_session=[\w-]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    return setCookie.split(';')[0] ?? '';
  }

  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
  });

  it('signs in with a cookie, and a typed client records and lists with a token', async () => {
    const cookie = await signIn();
    const me = await fetch(`${base}/trpc/auth.me`, { headers: { cookie } });
    expect(await me.json()).toEqual({
      result: { data: { kind: 'user', id: '1', username: 'admin', role: 'admin' } },
    });

    const created = (await (
      await post(
        'tokens.create',
        { name: 'billing', scopes: ['ingest', 'read'], systemId: 'billing-svc' },
        { cookie },
      )
    ).json()) as {
      result: { data: { secret: string } };
    };
    const client = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${base}/trpc`,
          headers: { authorization: `Bearer ${created.result.data.secret}` },
        }),
      ],
    });

    const recorded = await client.auditLogs.record.mutate({
      events: [
        {
          userName: 'sdn',
          taskName: 'Artifact Management - Upload',
          status: 'success',
          occurredAt: '2013-06-05T17:54:19.265Z',
          description: 'geewiz-apps-1.0.0.jar has been staged',
        },
        {
          userName: 'super',
          taskName: 'Login',
          status: 'failure',
          occurredAt: 1_314_592_578_000,
          userIp: '172.16.100.2',
        },
      ],
    });
    expect(recorded.stored).toBe(2);
    const page = await client.auditLogs.list.query({
      filter: { q: 'status:failure ip:172.16.0.0/12' },
    });
    expect(page.items).toHaveLength(1);
    // Plain JSON on the wire: times are ISO strings, ids strings.
    expect(page.items[0]).toMatchObject({
      userName: 'super',
      occurredAt: '2011-08-29T04:36:18.000Z',
      systemId: 'billing-svc',
      status: 'failure',
    });
    expect(typeof page.items[0]?.id).toBe('string');
    const detail = await client.auditLogs.byId.query({ id: page.items[0]?.id ?? '' });
    expect(detail.userIp).toBe('172.16.100.2');

    // A mutation without input, as the web app's client sends it.
    const browser = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/trpc`, headers: { cookie } })],
    });
    await expect(browser.auth.logout.mutate({})).resolves.toEqual({ ok: true, sessionsEnded: 1 });
    const after = await fetch(`${base}/trpc/auth.me`, { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('answers bad input with 400, the field path and reason, and nothing internal', async () => {
    const cookie = await signIn();
    const response = await post(
      'users.create',
      { username: 'has space', password: 'short', role: 'root' },
      { cookie },
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    const body = JSON.parse(text) as {
      error: { message: string; data: { code: string; fieldErrors: { path: string }[] } };
    };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain('username: may hold letters');
    expect(body.error.message).toContain('password: must be at least 12 characters');
    expect(body.error.data.fieldErrors.map((f) => f.path).sort()).toEqual([
      'password',
      'role',
      'username',
    ]);
    expect(text).not.toMatch(/stack|at .*\.ts:\d+|node_modules/);

    const malformed = await post('users.create', '{"username": ', { cookie });
    expect(malformed.status).toBe(400);
    const unknown = await fetch(`${base}/trpc/auditLogs.nope`, { headers: { cookie } });
    expect(unknown.status).toBe(404);
    const anonymous = await fetch(`${base}/trpc/auditLogs.list`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a wrong password with 401 and the typed client sees the code', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${base}/trpc` })] });
    const error: unknown = await client.auth.login
      .mutate({ username: 'admin', password: 'wrong' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    expect((error as TRPCClientError<AppRouter>).message).toBe('wrong user name or password');
  });

  // Regression: with `.input(z.void())`, tRPC 11.19 answers "Unexpected end of JSON input" to
  // the body-less POST @trpc/client sends for a mutation without input. logout takes an object.
  it('logout_with_void_input_fails_over_http', async () => {
    const cookie = await signIn();
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/trpc`, headers: { cookie } })],
    });
    await expect(client.auth.logout.mutate({ everywhere: true })).resolves.toMatchObject({
      ok: true,
    });
    expect((await fetch(`${base}/trpc/auth.me`, { headers: { cookie } })).status).toBe(401);
  });

  it('masks internal failures: 500 with no SQL or driver detail', async () => {
    const cookie = await signIn();
    await closeStore(); // every query now fails inside the driver
    closeStore = () => Promise.resolve();
    const response = await fetch(`${base}/trpc/users.list`, { headers: { cookie } });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const text = await response.text();
    expect(text).not.toMatch(/select|from "|postgres|pglite|stack/i);
  });
});
