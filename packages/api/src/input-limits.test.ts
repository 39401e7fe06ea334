// Regression tests for inputs that made the server answer 500 (or accept what it should not).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildServer } from './server';
import { MAX_PAGE_BYTES } from './data/events';
import { MAX_INPUT_DEPTH } from './schemas/raw-input';
import {
  ADMIN_PASSWORD,
  createTestApp,
  failure,
  type Caller,
  type TestApp,
} from './testing/harness';

describe('input limits', () => {
  let app: TestApp;
  let ingest: Caller;
  let secret: string;
  const event = { userName: 'u', taskName: 't', status: 'success' as const };

  beforeAll(async () => {
    app = await createTestApp();
    const token = await app.token(['ingest', 'read']);
    ingest = token.caller;
    secret = token.secret;
  });
  afterAll(() => app.close());

  it.each([
    [
      'a NUL in a text field',
      { ...event, userName: 'a\u0000b' },
      'events.0.userName: must not contain a NUL',
    ],
    [
      'a NUL inside metadata',
      { ...event, metadata: { k: 'v\u0000' } },
      'events.0.metadata.k: must not contain a NUL',
    ],
    [
      'a NUL in a metadata key',
      { ...event, metadata: { 'k\u0000': 1 } },
      'events.0.metadata: a key must not contain a NUL',
    ],
    [
      'a lone surrogate',
      { ...event, description: 'x\uD800y' },
      'events.0.description: must be valid Unicode',
    ],
  ])('regression: %s is a 400 naming the field, not a 500', async (_, bad, message) => {
    const error = await failure(ingest.auditLogs.record({ events: [bad] }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
  });

  it('regression: JSON nested 10 000 deep is refused at the depth limit, naming where', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const error = await failure(
      ingest.auditLogs.record({
        events: [{ ...event, changes: { format: 'json', after: deep } }],
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(
      new RegExp(
        `^events\\.0\\.changes\\.after(\\.d)+: nested more than ${MAX_INPUT_DEPTH} levels deep$`,
      ),
    );
  });

  it('regression: an id past 2^63 - 1 is a 400, not a 500', async () => {
    const error = await failure(app.admin.auditLogs.byId({ id: '9999999999999999999' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('id: must be a decimal id up to 9223372036854775807');
    const filtered = await failure(
      app.admin.auditLogs.list({ filter: { jobId: '9223372036854775808' } }),
    );
    expect(filtered.message).toContain('filter.jobId');
    // The largest one is a valid id, of no event.
    const missing = await failure(app.admin.auditLogs.byId({ id: '9223372036854775807' }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('regression: a forged cursor is a 400 naming the cursor, not a 500', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        f: 'jobId',
        d: 'asc',
        v: '99999999999999999999999',
        t: '2026-01-01T00:00:00.000Z',
        e: '00000000-0000-4000-8000-000000000001',
        s: 'after',
      }),
    ).toString('base64url');
    const error = await failure(
      app.admin.auditLogs.list({ sort: { field: 'jobId', direction: 'asc' }, cursor: forged }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('cursor: not a cursor this server issued');
  });

  it('regression: year 1 is the earliest instant, not 1901', async () => {
    const { events } = await ingest.auditLogs.record({
      events: [{ ...event, occurredAt: '0001-01-01T00:00:00.000Z' }],
    });
    expect(events[0]?.occurredAt).toBe('0001-01-01T00:00:00.000Z');
    const error = await failure(
      app.admin.auditLogs.list({ filter: { from: Date.parse('0001-01-01T00:00:00Z') - 1 } }),
    );
    expect(error.message).toContain('filter.from: must be between year 1 and 9999');
  });

  it('regression: a token cannot be created already expired', async () => {
    const error = await failure(
      app.admin.tokens.create({ name: 'late', scopes: ['read'], expiresAt: Date.now() - 1000 }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('expiresAt: must be in the future (a token that never works)');
  });

  it('regression: JSON documents are bounded in size', async () => {
    const error = await failure(
      ingest.auditLogs.record({
        events: [{ ...event, changes: { format: 'text', after: 'x'.repeat(300 * 1024) } }],
      }),
    );
    expect(error.message).toContain('events.0.changes: must serialise to at most 262144 bytes');
    const report = await failure(
      ingest.jobs.report({
        key: 'k',
        name: 'n',
        type: 'backup',
        state: 'scheduled',
        params: { x: 'y'.repeat(70_000) },
      }),
    );
    expect(report.message).toContain('params: must serialise to at most 65536 bytes');
  });

  it('a page of large events stops at MAX_PAGE_BYTES, and its cursors still reach every event once', async () => {
    const big = (i: number) => ({
      ...event,
      userName: 'heavy',
      occurredAt: Date.parse('2026-04-01T00:00:00Z') + i * 1000,
      changes: { format: 'text' as const, before: 'b'.repeat(120_000), after: 'a'.repeat(120_000) },
      affectedObjects: Array.from({ length: 24 }, (_, k) => ({
        type: 'Device',
        name: `d${k}`,
        detail: 'x'.repeat(10_000),
      })),
      metadata: { blob: 'm'.repeat(60_000) },
    });
    const count = 20;
    for (let i = 0; i < count; i += 4) {
      await ingest.auditLogs.record({ events: [0, 1, 2, 3].map((k) => big(i + k)) });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await app.admin.auditLogs.list({
        filter: { userName: 'heavy' },
        limit: 2000,
        withTotal: false,
        ...(cursor ? { cursor } : {}),
      });
      expect(JSON.stringify(page.items).length).toBeLessThanOrEqual(MAX_PAGE_BYTES);
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(count);
    expect(seen).toHaveLength(count);
  });

  describe('over HTTP', () => {
    /** Runs `use` against a server over the test app's store, closed afterwards. */
    async function withServer(use: (http: FastifyInstance) => Promise<void>, rateLimit?: number) {
      const http = await buildServer({
        config: {
          LOG_LEVEL: 'silent',
          ...(rateLimit === undefined ? {} : { RATE_LIMIT: rateLimit }),
        },
        store: app.store,
        archiveDir: app.archiveDir,
      });
      try {
        await use(http);
      } finally {
        await http.close();
      }
    }

    it('regression: "Bearer <token> junk" is refused, not read as the token', async () => {
      await withServer(async (http) => {
        const call = (authorization: string) =>
          http.inject({ method: 'GET', url: '/trpc/auth.me', headers: { authorization } });
        expect((await call(`Bearer ${secret}`)).statusCode).toBe(200);
        const junk = await call(`Bearer ${secret} junk`);
        expect(junk.statusCode).toBe(401);
        expect(junk.body).toContain('Authorization must be');
      });
    });

    it('a cookie-authenticated mutation from another origin is refused; from its own, it runs', async () => {
      await withServer(async (http) => {
        const login = await http.inject({
          method: 'POST',
          url: '/trpc/auth.login',
          headers: { host: 'audit.example', origin: 'https://audit.example' },
          payload: { username: 'admin', password: ADMIN_PASSWORD },
        });
        expect(login.statusCode).toBe(200);
        const cookie = `${login.cookies[0]?.name}=${login.cookies[0]?.value}`;
        const create = (origin: string) =>
          http.inject({
            method: 'POST',
            url: '/trpc/tokens.create',
            headers: { host: 'audit.example', origin, cookie },
            payload: { name: `t-${origin.length}`, scopes: ['read'] },
          });
        const foreign = await create('https://evil.example');
        expect(foreign.statusCode).toBe(403);
        expect(foreign.body).toContain('Origin https://evil.example may not act');
        expect((await create('https://audit.example')).statusCode).toBe(200);
      });
    });

    it('a caller past the rate limit gets 429 with Retry-After; another caller and the SPA do not', async () => {
      await withServer(async (http) => {
        const me = (authorization: string) =>
          http.inject({ method: 'GET', url: '/trpc/auth.me', headers: { authorization } });
        for (let i = 0; i < 5; i++) expect((await me(`Bearer ${secret}`)).statusCode).toBe(200);
        const limited = await me(`Bearer ${secret}`);
        expect(limited.statusCode).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(limited.body).toContain('too many requests: at most 5 a minute');
        const other = await app.token(['read']);
        expect((await me(`Bearer ${other.secret}`)).statusCode).toBe(200);
        expect((await http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      }, 5);
    });

    it('/metrics counts the events recorded, stored and duplicate', async () => {
      await withServer(async (http) => {
        const events = [
          { ...event, eventId: crypto.randomUUID(), occurredAt: '2026-02-01T00:00:00Z' },
          { ...event, eventId: crypto.randomUUID(), occurredAt: '2026-02-01T00:00:00Z' },
        ];
        for (let i = 0; i < 2; i++) {
          const response = await http.inject({
            method: 'POST',
            url: '/trpc/auditLogs.record',
            headers: { authorization: `Bearer ${secret}` },
            payload: { events },
          });
          expect(response.statusCode).toBe(200);
        }
        const metrics = (await http.inject({ method: 'GET', url: '/metrics' })).body;
        expect(metrics).toMatch(/^audit_events_recorded_total\{outcome="created"\} 2$/m);
        expect(metrics).toMatch(/^audit_events_recorded_total\{outcome="duplicate"\} 2$/m);
      });
    });

    it('a request batching more calls than the limit is refused', async () => {
      await withServer(async (http) => {
        const paths = Array(11).fill('auth.me').join(',');
        const response = await http.inject({
          method: 'GET',
          url: `/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`,
          headers: { authorization: `Bearer ${secret}` },
        });
        expect(response.statusCode).toBe(400);
      });
    });
  });
});
