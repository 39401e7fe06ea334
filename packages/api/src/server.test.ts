import { tmpdir } from 'node:os';

import { createDb } from '@audit/db';
import { createTestDb } from '@audit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildServer } from './server';

describe('HTTP server', () => {
  const store = createTestDb();
  const app = store.then((s) =>
    buildServer({ config: { LOG_LEVEL: 'silent' }, store: s, archiveDir: tmpdir() }),
  );
  beforeAll(async () => {
    await app;
  });
  afterAll(async () => {
    await (await app).close();
    await (await store).close();
  });

  it('answers /healthz with the database it uses', async () => {
    const response = await (await app).inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ok: true,
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  });

  it('is ready on a migrated database', async () => {
    const response = await (await app).inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ready: true });
  });

  it('is not ready, with Retry-After, while migrations are pending', async () => {
    const bare = await createDb({ dataDir: 'memory://' });
    const server = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store: bare,
      archiveDir: tmpdir(),
    });
    try {
      const response = await server.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({
        ready: false,
        reason: expect.stringMatching(/^\d+ migration\(s\) not applied yet$/) as unknown,
      });
    } finally {
      await server.close();
      await bare.close();
    }
  });

  it('answers 503 with Retry-After on every route while the database is out of reach, and 500 for any other failure', async () => {
    const bare = await createDb({ dataDir: 'memory://' });
    const server = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store: bare,
      archiveDir: tmpdir(),
    });
    const { pglite } = bare.raw as Extract<typeof bare.raw, { driver: 'pglite' }>;
    const query = pglite.query.bind(pglite);
    const auth = { authorization: `Bearer alm_${'x'.repeat(43)}` };
    try {
      // What postgres.js raises when PostgreSQL refuses the connection.
      pglite.query = () =>
        Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      for (const url of ['/healthz', '/trpc/auditLogs.list', '/archives/1/download']) {
        const response = await server.inject({ method: 'GET', url, headers: auth });
        expect(response.statusCode, url).toBe(503);
        expect(response.headers['retry-after'], url).toBe('2');
        expect(response.body, url).toContain('the database is unavailable');
        expect(response.body, url).not.toContain('ECONNREFUSED');
      }
      const ready = await server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ ready: false });

      pglite.query = () => Promise.reject(new Error('boom'));
      for (const url of ['/healthz', '/trpc/auditLogs.list']) {
        const response = await server.inject({ method: 'GET', url, headers: auth });
        expect(response.statusCode, url).toBe(500);
        expect(response.headers['retry-after'], url).toBeUndefined();
      }
    } finally {
      pglite.query = query;
      await server.close();
      await bare.close();
    }
  });

  it('serves /metrics in Prometheus format, counting requests by procedure and status', async () => {
    const server = await app;
    await server.inject({ method: 'GET', url: '/trpc/auth.me' });
    await server.inject({ method: 'GET', url: '/trpc/no.such,auth.me' });
    const response = await server.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /^audit_requests_total\{procedure="auth.me",status="401"\} [1-9]/m,
    );
    expect(response.body).toMatch(/^audit_requests_total\{procedure="unknown",status="\d+"\} 1$/m);
    expect(response.body).toContain(
      'audit_request_duration_seconds_bucket{le="0.005",procedure="auth.me"}',
    );
    expect(response.body).toContain('audit_process_resident_memory_bytes');
  });

  it('sends security headers', async () => {
    const response = await (await app).inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
