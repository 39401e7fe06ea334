// Regression: postgres.js 3.4.9 crashed the process when a connection closed under a
// transaction ("TypeError: Cannot read properties of null (reading 'write')" at
// connection.js nextWrite). The transaction's rollback went to execute() on the closed
// connection, whose deferred write then ran on socket === null in a setImmediate callback.
// patches/postgres@3.4.9.patch settles such queries with CONNECTION_CLOSED instead.
// Each scenario runs in a process of its own: an uncaught exception or an unhandled
// rejection there ends it with a non-zero exit code, as it would end the server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditDb } from './client';
import { queryRows } from './sql';
import { createTestDb } from './testing';

const CHILD = fileURLToPath(new URL('./connection-loss.child.ts', import.meta.url));

async function runChild(
  args: string[],
): Promise<{ code: number | null; stats: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return { code, stats: last.startsWith('{') ? (JSON.parse(last) as never) : {}, stderr };
}

describe('postgres.js after its connection closes (nextWrite on a null socket)', () => {
  let store: AuditDb;
  beforeAll(async () => {
    store = await createTestDb();
  });
  afterAll(async () => {
    await store.close();
  });

  it('regression: a transaction whose connection drops mid-query rejects with CONNECTION_CLOSED, the process lives on and the connection reconnects', async () => {
    // A scripted wire-protocol peer, so this runs without PostgreSQL too.
    const { code, stats, stderr } = await runChild(['peer']);
    expect(code, stderr).toBe(0);
    expect(stats).toEqual({
      errors: Array.from({ length: 5 }, () => 'CONNECTION_CLOSED'),
      dropped: 5,
      answeredAfter: 'SELECT',
    });
  });

  it(
    process.env.DATABASE_URL
      ? 'regression: pg_terminate_backend again and again on a busy pool (transactions, inserts, reads) never crashes the process, and every connection answers again at once'
      : 'pg_terminate_backend on a busy pool: applies to PostgreSQL only (DATABASE_URL); PGlite runs in the process, with no connection to terminate',
    async () => {
      const serverUrl = process.env.DATABASE_URL;
      if (!serverUrl) {
        // The embedded database runs inside this process: no pool, no backend to terminate.
        expect(store.raw.driver).toBe('pglite');
        return;
      }
      const [row] = await queryRows<{ name: string }>(
        store.db,
        sql`SELECT current_database() AS name`,
      );
      const url = new URL(serverUrl);
      url.pathname = `/${row?.name ?? ''}`;
      const terminations = 40;
      const { code, stats, stderr } = await runChild([
        'storm',
        url.toString(),
        String(terminations),
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).not.toMatch(/TypeError/);
      expect(stats.terminated).toBeGreaterThanOrEqual(terminations);
      // The faults hit queries, and only as connection errors.
      expect(stats.failed).toBeGreaterThan(0);
      expect(stats.ok).toBeGreaterThan(0);
      expect(stats.unexpected, JSON.stringify(stats.codes)).toEqual([]);
      expect(stats.recoveredInMs).toBeLessThan(5_000);
    },
  );
});
