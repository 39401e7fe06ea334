import type { FastifyInstance } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProcedurePath } from '../root';
import {
  ALLOWED,
  PRINCIPALS,
  READERS,
  UNAUTHENTICATED,
  type PrincipalName,
} from '../testing/authorization-matrix';
import { ADMIN_PASSWORD, createTestApp, serveTestApp, type TestApp } from '../testing/harness';

/**
 * The authorization matrix over HTTP, for every operation /openapi.json describes: a REST
 * route is allowed to whom its procedure is (`x-trpc-procedure`); the reference products'
 * paths are reads. Each principal sends its credentials the way such a client would: a
 * session cookie, HTTP Basic, `Authorization: Bearer`, or `X-Auth-Token`.
 */
describe('authorization matrix over HTTP', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let base: string;
  let operations: { method: string; path: string; allowed: readonly PrincipalName[] }[] = [];
  const headers = {} as Record<PrincipalName, Record<string, string>>;

  async function sessionCookie(username: string, password: string): Promise<string> {
    const response = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  beforeAll(async () => {
    app = await createTestApp();
    ({ server, base } = await serveTestApp(app));

    const auditor = await app.userWithRole('auditor');
    const disabled = await app.userWithRole('auditor');
    const revoked = await app.token(['ingest', 'read']);
    headers.anonymous = {};
    headers.auditor = { cookie: await sessionCookie(auditor.username, auditor.password) };
    headers.admin = {
      authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
    };
    headers.ingestToken = { authorization: `Bearer ${(await app.token(['ingest'])).secret}` };
    headers.readToken = { 'x-auth-token': (await app.token(['read'])).secret };
    headers.revokedToken = { authorization: `Bearer ${revoked.secret}` };
    headers.disabledUserSession = {
      cookie: await sessionCookie(disabled.username, disabled.password),
    };
    await app.admin.tokens.revoke({ id: revoked.info.id });
    const me = await disabled.caller.auth.me();
    await app.admin.users.update({ id: me.id, disabled: true });

    const document = (await (await fetch(`${base}/openapi.json`)).json()) as oas31.OpenAPIObject;
    operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, oas31.OperationObject>).map(([method, op]) => {
        const procedure = op['x-trpc-procedure'] as ProcedurePath | undefined;
        return {
          method: method.toUpperCase(),
          path,
          allowed: procedure ? ALLOWED[procedure] : READERS,
        };
      }),
    );
  });

  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('allows each operation to exactly whom it should, refusing the rest with 401 or 403', async () => {
    expect(operations.length).toBeGreaterThan(20);
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { method, path, allowed } of operations) {
      for (const principal of PRINCIPALS) {
        const hasBody = method !== 'GET' && method !== 'DELETE';
        const response = await fetch(`${base}${path.replace(/\{\w+\}/g, '1')}`, {
          method,
          headers: {
            ...headers[principal],
            ...(hasBody ? { 'content-type': 'application/json' } : {}),
          },
          // An input no procedure takes: an allowed caller gets past the checks of who it is.
          ...(hasBody ? { body: JSON.stringify({ __probe: true }) } : {}),
        });
        await response.arrayBuffer();
        const status = response.status;
        const verdict = status === 401 || status === 403 ? String(status) : 'allowed';
        outcomes.push(`${method} ${path} as ${principal}: ${verdict}`);
        const want = allowed.includes(principal)
          ? 'allowed'
          : UNAUTHENTICATED.includes(principal)
            ? '401'
            : '403';
        expected.push(`${method} ${path} as ${principal}: ${want}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
