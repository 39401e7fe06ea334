// Whatever a client sends, the server answers 2xx, or 4xx with a message: never 5xx, never a
// crash. Generated inputs go to every procedure over HTTP, and generated requests to every
// operation of /openapi.json (REST and the reference products' paths), on PGlite or PostgreSQL.
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import type { oas31 } from 'openapi3-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openApiDocument } from './http/openapi';
import { SURFACES } from './http/surfaces';
import { appRouter } from './root';
import { buildServer } from './server';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from './testing/harness';
import type { ProcedurePath } from './root';

type Credential = 'admin' | 'token' | 'none';

/**
 * A valid-looking input per procedure, and who calls it: generated inputs are these with a
 * leaf replaced, a key added, or the whole replaced, so they reach deep into each schema and
 * past it into the data code. A new procedure is a compile error here until it has one.
 */
const BASES: Record<ProcedurePath, { input: unknown; as: Credential }> = {
  'auth.login': { input: { username: 'admin', password: 'not-the-password' }, as: 'none' },
  // Without credentials: signing the admin out would end the other calls' session.
  'auth.logout': { input: {}, as: 'none' },
  'auth.me': { input: undefined, as: 'admin' },
  'auditLogs.list': {
    input: {
      filter: { userName: 'a', taskName: 'tenant.*', userIp: '10.0.0.0/8', q: 'user:a -15m' },
      sort: { field: 'jobId', direction: 'asc' },
      limit: 10,
      cursor: 'eyJmIjoiam9iSWQifQ',
    },
    as: 'admin',
  },
  'auditLogs.byId': { input: { id: '1', occurredAt: 0 }, as: 'admin' },
  'auditLogs.histogram': {
    input: { filter: { from: 0, to: '2030-01-01T00:00:00Z' }, buckets: 10, timeZone: 'UTC' },
    as: 'admin',
  },
  'auditLogs.facets': {
    input: { filter: { status: 'failure' }, fields: ['userName'] },
    as: 'admin',
  },
  'auditLogs.record': {
    input: {
      events: [
        {
          userName: 'u',
          taskName: 't',
          status: 'success',
          occurredAt: '2026-01-01T00:00:00Z',
          eventId: '00000000-0000-4000-8000-000000000001',
          userIp: '10.0.0.1',
          description: 'd',
          jobId: '1',
          resultCode: 200,
          affectedObjects: [{ type: 'Device', name: 'd1' }],
          changes: { format: 'json', before: { a: 1 }, after: { a: 2 } },
          metadata: { requestId: 'r' },
        },
      ],
    },
    as: 'token',
  },
  'jobs.list': { input: { state: 'success', type: ['backup'], limit: 5 }, as: 'admin' },
  'jobs.byId': { input: { id: '1' }, as: 'admin' },
  'jobs.cancel': { input: { id: '424242' }, as: 'admin' },
  'jobs.report': {
    input: { key: 'k', name: 'n', type: 'backup', state: 'scheduled', params: { a: 1 } },
    as: 'token',
  },
  'users.list': { input: undefined, as: 'admin' },
  'users.create': {
    input: { username: 'fuzzed', password: 'a-long-enough-password', role: 'auditor' },
    as: 'admin',
  },
  'users.update': { input: { id: '424242', role: 'auditor' }, as: 'admin' },
  'tokens.list': { input: undefined, as: 'admin' },
  'tokens.create': {
    input: { name: 't', scopes: ['read'], expiresAt: 4_000_000_000_000 },
    as: 'admin',
  },
  'tokens.revoke': { input: { id: '424242' }, as: 'admin' },
  'exports.create': {
    input: { filter: { q: 'status:ok' }, format: 'csv', timeZone: 'UTC' },
    as: 'admin',
  },
  'exports.list': { input: { kind: 'export' }, as: 'admin' },
  'purge.preview': { input: { before: '2020-01-01T00:00:00Z', filter: {} }, as: 'admin' },
  'purge.create': { input: { before: '2020-01-01T00:00:00Z', archive: true }, as: 'admin' },
  'retention.get': { input: undefined, as: 'admin' },
  'retention.set': { input: { days: 30 }, as: 'admin' },
  'integrity.publicKey': { input: undefined, as: 'admin' },
  'integrity.verify': { input: { tenant: 'default', afterSeq: 0 }, as: 'admin' },
  'integrity.status': { input: undefined, as: 'admin' },
  'integrity.startVerify': { input: undefined, as: 'admin' },
  'holds.list': { input: { limit: 5, cursor: '424242' }, as: 'admin' },
  'holds.create': {
    input: {
      name: 'case',
      reason: 'litigation',
      filter: {
        q: 'user:a after:2026-01-01',
        userIp: '10.0.0.0/8',
        where: { field: 'domain', op: 'eq', value: 'd' },
      },
    },
    as: 'admin',
  },
  'holds.release': { input: { id: '424242' }, as: 'admin' },
  'integrity.gaps': {
    input: { tenant: 'default', producerId: 'p-1', graceSeconds: 60, limit: 10 },
    as: 'admin',
  },
};

/** Values that broke servers like this one: NULs, lone surrogates, ids past bigint, depth. */
const NASTY: unknown[] = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '9999999999999999999',
  '-1',
  '1e400',
  '',
  ' ',
  'x'.repeat(5000),
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  -1,
  2 ** 63,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  null,
  true,
  [],
  {},
  JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown,
  JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100)) as unknown,
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path to a leaf (or a whole object or array) of `value`. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const own = prefix.length ? [prefix] : [];
  if (value === null || typeof value !== 'object') return own;
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [...own, ...entries.flatMap(([key, v]) => paths(v, [...prefix, key]))];
}

function withValue(base: unknown, path: (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const copy = (Array.isArray(base) ? [...base] : { ...(base as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = withValue(copy[head], rest, value);
  return copy;
}

/** Inputs near `base`: one value replaced, a key added, or something else altogether. */
function inputsNear(base: unknown): fc.Arbitrary<unknown> {
  const places = paths(base);
  const replaced =
    places.length > 0
      ? fc
          .tuple(fc.constantFrom(...places), anyValue)
          .map(([path, value]) => withValue(base, path, value))
      : anyValue;
  const extended = fc
    .tuple(fc.string({ unit: 'binary', maxLength: 10 }), anyValue)
    .map(([key, value]) =>
      base !== null && typeof base === 'object' ? { ...base, [key]: value } : { [key]: value },
    );
  return fc.oneof(replaced, replaced, extended, anyValue);
}

describe('generated inputs to every procedure, over HTTP', () => {
  let app: TestApp;
  let http: FastifyInstance;
  const headers: Record<Credential, Record<string, string>> = { admin: {}, token: {}, none: {} };
  let tried = 0;

  beforeAll(async () => {
    app = await createTestApp();
    http = await buildServer({
      // Thousands of calls in seconds from one caller: the limit would answer most of them.
      config: { LOG_LEVEL: 'silent', RATE_LIMIT: 0 },
      store: app.store,
      archiveDir: app.archiveDir,
      sleep: () => Promise.resolve(),
    });
    const login = await http.inject({
      method: 'POST',
      url: '/trpc/auth.login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = login.cookies[0];
    if (!cookie) throw new Error('no session cookie');
    headers.admin = { cookie: `${cookie.name}=${cookie.value}` };
    const { secret } = await app.token(['ingest', 'read']);
    headers.token = { authorization: `Bearer ${secret}` };
  });
  afterAll(async () => {
    await http.close();
    await app.close();
  });

  it('covers every procedure of the router', () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(BASES).sort());
  });

  for (const [path, { input, as }] of Object.entries(BASES)) {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string } } | undefined
    >;
    const type = procedures[path]?._def.type;
    it(`${path}: 2xx or 4xx with a message, never 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(inputsNear(input), async (generated) => {
          tried++;
          // undefined for an undefined input, whatever JSON.stringify's declared type says.
          const json = JSON.stringify(generated) as string | undefined;
          const response =
            type === 'query'
              ? await http.inject({
                  method: 'GET',
                  url: `/trpc/${path}${json === undefined ? '' : `?input=${encodeURIComponent(json)}`}`,
                  headers: headers[as],
                })
              : await http.inject({
                  method: 'POST',
                  url: `/trpc/${path}`,
                  headers: { ...headers[as], 'content-type': 'application/json' },
                  payload: json ?? '',
                });
          expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const body = JSON.parse(response.body) as { error?: { message?: string } };
            expect(body.error?.message, response.body.slice(0, 300)).toMatch(/\S/);
          }
        }),
        { numRuns: 100 },
      );
    });
  }

  it('is still up and answering after all of it', async () => {
    expect(tried).toBeGreaterThanOrEqual(Object.keys(BASES).length * 100);
    const response = await http.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
  });
});

/** A value of a documented parameter: one it lists, a nasty one, or any text. */
function parameterValue(schema: oas31.SchemaObject | undefined): fc.Arbitrary<string> {
  const listed = [
    ...(schema?.enum ?? []),
    ...(schema?.examples ?? []),
    ...(schema?.default !== undefined ? [schema.default] : []),
  ].map(String);
  return fc.oneof(
    ...(listed.length ? [fc.constantFrom(...listed)] : []),
    fc.constantFrom(...NASTY.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('(', ')', "'", '"', '%', '%00', '1,DESC', '2011-08-29 11:01:25', 'eq', ','),
  );
}

/** Every operation /openapi.json describes (the same document the server serves). */
const OPERATIONS = Object.entries(openApiDocument(SURFACES).paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, oas31.OperationObject>).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    op,
  })),
);

describe('generated requests to every HTTP operation /openapi.json describes', () => {
  let app: TestApp;
  let http: FastifyInstance;
  let admin: Record<string, string> = {};
  let token: Record<string, string> = {};
  let tried = 0;

  beforeAll(async () => {
    app = await createTestApp();
    http = await buildServer({
      config: { LOG_LEVEL: 'silent', RATE_LIMIT: 0 },
      store: app.store,
      archiveDir: app.archiveDir,
      sleep: () => Promise.resolve(),
    });
    // The admin's session may call every operation but the ingest ones, which get the token.
    // (Not HTTP Basic: each request would pay for a password hash, which is the point of it.)
    const login = await http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = login.cookies[0];
    if (!cookie) throw new Error('no session cookie');
    admin = { cookie: `${cookie.name}=${cookie.value}` };
    token = { authorization: `Bearer ${(await app.token(['ingest', 'read'])).secret}` };
  });
  afterAll(async () => {
    await http.close();
    await app.close();
  });

  for (const { method, path, op } of OPERATIONS) {
    const parameters = (op.parameters ?? []) as oas31.ParameterObject[];
    const procedure = op['x-trpc-procedure'] as ProcedurePath | undefined;
    const queryParams = parameters.filter((p) => p.in === 'query');
    const headerParam = parameters.find((p) => p.in === 'header');
    const request = fc.record({
      path: fc.constantFrom('1', '424242', '9999999999999999999', 'x', '%00'),
      query: queryParams.length
        ? fc.array(
            fc
              .constantFrom(...queryParams)
              .chain((param) =>
                parameterValue(param.schema as oas31.SchemaObject | undefined).map(
                  (value) => [param.name, value] as const,
                ),
              ),
            { maxLength: 5 },
          )
        : fc.constant([]),
      header: fc.option(parameterValue(headerParam?.schema as oas31.SchemaObject | undefined)),
      body: procedure ? inputsNear(BASES[procedure].input) : anyValue,
    });

    it(`${method} ${path}: 2xx, or 4xx with a problem that says what, never 5xx`, async () => {
      // As the procedure's own fuzzing calls it (signing out goes without the admin's session).
      const as = procedure ? BASES[procedure].as : 'admin';
      const headers = as === 'token' ? token : as === 'none' ? {} : admin;
      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          tried++;
          const search = new URLSearchParams();
          for (const [name, value] of generated.query) search.append(name, value);
          const url = `${path.replace(/\{\w+\}/g, encodeURIComponent(generated.path))}?${search.toString()}`;
          const hasBody = method !== 'GET' && method !== 'DELETE';
          const response = await http.inject({
            method: method as 'GET',
            url,
            headers: {
              ...headers,
              ...(headerParam && generated.header !== null
                ? { [headerParam.name]: generated.header.replace(/[^\t\x20-\x7e]/g, '') }
                : {}),
              ...(hasBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(hasBody ? { payload: JSON.stringify(generated.body ?? null) } : {}),
          });
          const context = `${method} ${url} → ${response.body.slice(0, 300)}`;
          expect(response.statusCode, context).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type'], context).toContain('application/problem+json');
            const body = JSON.parse(response.body) as { detail?: string };
            expect(body.detail, context).toMatch(/\S/);
          }
        }),
        { numRuns: 40 },
      );
    });
  }

  it('is still up and answering after all of it', async () => {
    expect(OPERATIONS.length).toBeGreaterThan(20);
    expect(tried).toBeGreaterThanOrEqual(OPERATIONS.length * 40);
    expect((await http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
