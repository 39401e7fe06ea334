import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHttpServer, type HttpTestServer } from '../testing/http-server';
import { CA_PORTAL_SURFACE } from './ca-portal';
import { HPE_SDN_SURFACE } from './hpe-sdn';
import { openApiDocument } from './openapi';
import { SURFACES } from './surfaces';

/**
 * The authorization matrix of the reference products' paths, over HTTP (the tRPC one is
 * routers/authorization.test.ts): every path these surfaces describe, called by every kind
 * of principal with a parameter no path takes. A reader gets past the credentials to the
 * 400; anyone else is refused first, 401 or 403 as the procedures refuse them.
 */

const REFERENCE_SURFACES = [HPE_SDN_SURFACE, CA_PORTAL_SURFACE];

const PRINCIPALS = [
  'anonymous',
  'auditorSession',
  'adminSession',
  'adminBasic',
  'ingestToken',
  'readToken',
  'readTokenAsXAuthToken',
  'revokedToken',
  'disabledUserSession',
  'wrongPasswordBasic',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

const UNAUTHENTICATED: readonly PrincipalName[] = [
  'anonymous',
  'revokedToken',
  'disabledUserSession',
  'wrongPasswordBasic',
];
const READERS: readonly PrincipalName[] = [
  'auditorSession',
  'adminSession',
  'adminBasic',
  'readToken',
  'readTokenAsXAuthToken',
];

/** Who may call each path: every path the surfaces describe must be here (checked below). */
const ALLOWED: Record<string, readonly PrincipalName[]> = {
  'GET /sdn/v2.0/auditlog': READERS,
  'GET /tenant-admin/1.0/audits': READERS,
  'GET /tenant-admin/1.0/audits/export': READERS,
};

function described(): string[] {
  return REFERENCE_SURFACES.flatMap((surface) =>
    Object.entries(surface.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  ).sort();
}

describe('authorization matrix of the reference paths, over HTTP', () => {
  let server: HttpTestServer;
  const headers = {} as Record<PrincipalName, Record<string, string>>;

  beforeAll(async () => {
    server = await startHttpServer();
    const basic = (user: string, password: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    });
    const auditor = await server.user('auditor');
    const admin = await server.user('admin');
    const ingest = await server.token(['ingest']);
    const read = await server.token(['read']);
    const revoked = await server.token(['ingest', 'read']);
    await server.trpc(
      'mutation',
      'tokens.revoke',
      { id: revoked.id },
      { cookie: server.adminCookie },
    );
    const disabled = await server.user('auditor');
    await server.trpc(
      'mutation',
      'users.update',
      { id: disabled.id, disabled: true },
      { cookie: server.adminCookie },
    );

    headers.anonymous = {};
    headers.auditorSession = { cookie: auditor.cookie };
    headers.adminSession = { cookie: admin.cookie };
    headers.adminBasic = basic(admin.username, admin.password);
    headers.ingestToken = { authorization: `Bearer ${ingest.secret}` };
    headers.readToken = { authorization: `Bearer ${read.secret}` };
    headers.readTokenAsXAuthToken = { 'x-auth-token': read.secret };
    headers.revokedToken = { 'x-auth-token': revoked.secret };
    headers.disabledUserSession = { cookie: disabled.cookie };
    headers.wrongPasswordBasic = basic(auditor.username, 'not-the-password');
  });
  afterAll(() => server.close());

  it('covers every path the reference surfaces describe, and only those', () => {
    expect(described()).toEqual(Object.keys(ALLOWED).sort());
  });

  const cases = Object.keys(ALLOWED).flatMap((route) =>
    PRINCIPALS.map((principal) => {
      const status = ALLOWED[route]?.includes(principal)
        ? 400
        : UNAUTHENTICATED.includes(principal)
          ? 401
          : 403;
      return { route, principal, status };
    }),
  );

  it.each(cases)('$route as $principal → $status', async ({ route, principal, status }) => {
    const [method = '', path = ''] = route.split(' ');
    const response = await fetch(`${server.base}${path}?__probe=1`, {
      method,
      headers: headers[principal],
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as { detail: string };
    if (status === 400) expect(body.detail).toContain('__probe: not a parameter of this path');
  });
});

describe('the reference paths in /openapi.json', () => {
  // openapi.test.ts checks the whole document is valid OpenAPI 3.1.
  it('are served by the server, each with parameters, responses and security', () => {
    for (const surface of REFERENCE_SURFACES) expect(SURFACES).toContain(surface);
    const document = openApiDocument(SURFACES);
    for (const route of Object.keys(ALLOWED)) {
      const [method = '', path = ''] = route.split(' ');
      const operation = (document.paths?.[path] as Record<string, unknown> | undefined)?.[
        method.toLowerCase()
      ] as { parameters?: unknown[]; responses?: Record<string, unknown>; security?: unknown[] };
      expect(operation, route).toBeDefined();
      expect(operation.parameters?.length, route).toBeGreaterThan(0);
      expect(Object.keys(operation.responses ?? {}), route).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '503']),
      );
      expect(operation.security, route).toContainEqual({ bearerToken: [] });
    }
  });
});
