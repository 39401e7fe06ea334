// Several server processes on one database, as an operator scales out: on PostgreSQL they
// share it (and one archive directory); PGlite lives in one process's memory, so a second
// process on its directory is refused rather than let corrupt it.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createEmptyTestDatabase } from '@audit/db/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { alive, freePort, spawnServer, trpcCall, waitReady } from './testing/server-process';

const url = process.env.DATABASE_URL;
const ADMIN_PASSWORD = 'multi-process-admin-password';

describe('several server processes', () => {
  const dirs: string[] = [];
  const pids: number[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  }

  function env(port: number, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const { DATABASE_URL: _own, ...rest } = process.env;
    return {
      ...rest,
      PORT: String(port),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      RATE_LIMIT: '0',
      ...extra,
    };
  }

  async function start(extra: NodeJS.ProcessEnv) {
    const port = await freePort();
    const child = spawnServer(env(port, extra));
    pids.push(child.pid ?? 0);
    return { child, port, base: `http://127.0.0.1:${port}` };
  }

  if (url) {
    it('start at once on a fresh PostgreSQL database, record from each across a month boundary, share archives', async () => {
      const database = await createEmptyTestDatabase(url, 'audit_multi');
      cleanups.push(database.drop);
      const archives = tempDir('audit-shared-archives-');
      // Each migrates the fresh database as it starts: the migrations and partitions race.
      const servers = await Promise.all(
        [0, 1, 2].map(() =>
          start({
            DATABASE_URL: database.url,
            DATA_DIR: tempDir('audit-multi-'),
            ARCHIVE_DIR: archives,
          }),
        ),
      );
      await Promise.all(servers.map((s) => waitReady(s.port, s.child)));
      const [first, second, third] = servers as [
        (typeof servers)[0],
        (typeof servers)[0],
        (typeof servers)[0],
      ];

      const login = await trpcCall(first.base, 'auth.login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
      });
      const cookie = (login.response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { data: created } = await trpcCall<{ secret: string }>(
        second.base,
        'tokens.create',
        { name: 'multi', scopes: ['ingest', 'read'] },
        { cookie },
      );
      const bearer = { authorization: `Bearer ${created.secret}` };

      // Months no start created ahead: the first events of each race to create its
      // partition, from three processes at once. Shared eventIds go to all three.
      const boundary = ['2031-01-31T23:59:59.999Z', '2031-02-01T00:00:00.000Z'];
      const shared = Array.from({ length: 50 }, () => crypto.randomUUID());
      const batch = (server: number, k: number) =>
        Array.from({ length: 100 }, (_, i) => ({
          userName: `process-${server}`,
          taskName: 'multi.record',
          status: 'success',
          occurredAt: boundary[(k + i) % 2],
          metadata: { k, i },
        }));
      const answers = await Promise.all(
        servers.flatMap((s, n) => [
          ...[0, 1, 2].map((k) =>
            trpcCall<{ stored: number }>(
              s.base,
              'auditLogs.record',
              { events: batch(n, k) },
              bearer,
            ),
          ),
          trpcCall<{ stored: number }>(
            s.base,
            'auditLogs.record',
            {
              events: shared.map((eventId, i) => ({
                eventId,
                userName: 'shared',
                taskName: 'multi.record',
                status: 'success',
                occurredAt: boundary[i % 2],
              })),
            },
            bearer,
          ),
        ]),
      );
      const stored = answers.reduce((sum, a) => sum + a.data.stored, 0);
      expect(stored).toBe(3 * 300 + 50);
      const { data: listed } = await trpcCall<{ total: number }>(
        third.base,
        'auditLogs.list',
        { filter: { taskName: 'multi.record' }, limit: 1 },
        bearer,
        'GET',
      );
      expect(listed.total).toBe(950);

      // An export asked of one process, run by whichever runner claims it, downloaded
      // from another: the archive directory is shared.
      const { data: job } = await trpcCall<{ id: string }>(
        first.base,
        'exports.create',
        { filter: { taskName: 'multi.record' }, format: 'csv' },
        { cookie },
      );
      let state = 'scheduled';
      const until = Date.now() + 60_000;
      while (!['success', 'failure', 'canceled'].includes(state) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        ({
          data: { state },
        } = await trpcCall<{ state: string }>(
          second.base,
          'jobs.byId',
          { id: job.id },
          { cookie },
          'GET',
        ));
      }
      expect(state).toBe('success');
      const { data: archiveList } = await trpcCall<{
        items: { jobId: string | null; rowCount: number; downloadUrl: string }[];
      }>(third.base, 'exports.list', { limit: 10 }, { cookie }, 'GET');
      const archive = archiveList.items.find((item) => item.jobId === job.id);
      expect(archive?.rowCount).toBe(950);
      for (const server of [first, second, third]) {
        const download = await fetch(`${server.base}${archive?.downloadUrl ?? ''}`, {
          headers: { cookie },
        });
        expect(download.status).toBe(200);
        expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
      for (const server of servers) expect(server.child.exitCode).toBeNull();
    });
  } else {
    it('PGlite: a second process on the same DATA_DIR is refused plainly; a killed one’s lock is taken over', async () => {
      const dataDir = tempDir('audit-multi-pglite-');
      const owner = await start({ DATA_DIR: dataDir });
      await waitReady(owner.port, owner.child);
      const intruder = await start({ DATA_DIR: dataDir });
      const [code] = (await once(intruder.child, 'exit')) as [number | null];
      expect(code).not.toBe(0);
      expect(intruder.child.stderrText()).toMatch(
        /in use by process \d+: PGlite serves one process.*DATABASE_URL/s,
      );
      // The first one never noticed.
      expect((await fetch(`${owner.base}/readyz`)).status).toBe(200);

      // Killed outright, it leaves its lock behind; the next start takes it over.
      owner.child.kill('SIGKILL');
      await once(owner.child, 'exit');
      const next = await start({ DATA_DIR: dataDir });
      await waitReady(next.port, next.child);
      expect((await fetch(`${next.base}/readyz`)).status).toBe(200);
      // Three processes start one after the other, each opening PGlite (tens of seconds on a
      // loaded 2-core machine: 60 s was exceeded in CI).
    }, 240_000);
  }
});
