import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDb, type AuditDb } from '@audit/db';
import { createTestDb } from '@audit/db/testing';
import type { FastifyInstance } from 'fastify';

import { ensureFirstAdmin } from '../bootstrap';
import type { recordInputSchema } from '../schemas/audit-logs';
import { buildServer } from '../server';
import type { z } from 'zod';

export const HTTP_ADMIN_PASSWORD = 'http-surface-admin-password';

/** What a test records: auditLogs.record's events, as a service sends them. */
export type RecordedEvent = z.input<typeof recordInputSchema>['events'][number];

/**
 * The real HTTP server on a fresh database (PGlite, or PostgreSQL when DATABASE_URL is set),
 * listening on a free port, with what a test of an HTTP surface needs: sign-ins, users and
 * tokens made through tRPC over HTTP, and events recorded the way services record them.
 */
export async function startHttpServer() {
  const store = await createTestDb();
  await ensureFirstAdmin(store.db, HTTP_ADMIN_PASSWORD, new Date());
  const archiveDir = mkdtempSync(join(tmpdir(), 'audit-http-'));
  const app: FastifyInstance = await buildServer({
    config: { LOG_LEVEL: 'silent', RATE_LIMIT: 0 },
    store,
    archiveDir,
    sleep: () => Promise.resolve(),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  /** Calls a procedure over HTTP (a query by GET, a mutation by POST); throws unless 200. */
  async function trpc<T>(
    kind: 'query' | 'mutation',
    path: string,
    input: unknown,
    headers: Record<string, string>,
  ): Promise<T> {
    const response =
      kind === 'query'
        ? await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
            headers,
          })
        : await fetch(`${base}/trpc/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(input),
          });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
    return (JSON.parse(text) as { result: { data: T } }).result.data;
  }

  /** Signs in through auth.login: the session cookie (`name=value`). */
  async function signIn(username: string, password: string): Promise<string> {
    const response = await fetch(`${base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${username}: ${response.status}`);
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  const adminCookie = await signIn('admin', HTTP_ADMIN_PASSWORD);
  const asAdmin = { cookie: adminCookie };

  /** A new person with this role: their name, password and session cookie. */
  async function user(role: 'auditor' | 'admin') {
    const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    const password = `${username}-password!`;
    const created = await trpc<{ id: string }>(
      'mutation',
      'users.create',
      { username, password, role },
      asAdmin,
    );
    return { id: created.id, username, password, cookie: await signIn(username, password) };
  }

  /** A new API token: its secret and id. */
  async function token(
    scopes: ('ingest' | 'read')[],
    extra: { tenant?: string; systemId?: string } = {},
  ) {
    const created = await trpc<{ secret: string; token: { id: string } }>(
      'mutation',
      'tokens.create',
      { name: `token-${Math.random().toString(36).slice(2, 8)}`, scopes, ...extra },
      asAdmin,
    );
    return { secret: created.secret, id: created.token.id };
  }

  /** Records events with an ingest token, as a service does: POST /api/v1/events. */
  async function record(secret: string, events: RecordedEvent[]): Promise<void> {
    const response = await fetch(`${base}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ events }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`recording: ${response.status} ${text}`);
    const { stored } = JSON.parse(text) as { stored: number };
    if (stored !== events.length) throw new Error(`stored ${stored} of ${events.length} events`);
  }

  return {
    app,
    base,
    store,
    archiveDir,
    adminCookie,
    trpc,
    signIn,
    user,
    token,
    record,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}

export type HttpTestServer = Awaited<ReturnType<typeof startHttpServer>>;

/** A port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A server over a database that is out of reach: on PostgreSQL, one whose port refuses
 * connections; on PGlite (in the process: nothing to refuse), one whose every call fails as
 * postgres.js's do when the connection is refused.
 */
export async function startUnreachableServer() {
  let store: AuditDb;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.hostname = '127.0.0.1';
    url.port = String(await closedPort());
    store = await createDb({ databaseUrl: url.toString(), maxConnections: 1 });
  } else {
    store = await createDb({ dataDir: 'memory://' });
    const { pglite } = store.raw as Extract<typeof store.raw, { driver: 'pglite' }>;
    const refused = () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    pglite.query = refused;
    pglite.exec = refused;
  }
  const app = await buildServer({
    config: { LOG_LEVEL: 'silent', RATE_LIMIT: 0 },
    store,
    archiveDir: tmpdir(),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    close: async () => {
      await app.close();
      await store.close().catch(() => undefined);
    },
  };
}
