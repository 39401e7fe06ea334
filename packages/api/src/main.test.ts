// The server in its own process, how it starts and stops: as `pnpm start` and production run it
// (the bundle, dist/main.mjs, under plain node) and from its sources (main.ts under tsx). On the
// database the suite runs on: a fresh PostgreSQL database when DATABASE_URL is set, else PGlite.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createEmptyTestDatabase } from '@audit/db/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { alive, BUNDLE, ensureBundle, freePort, MAIN, waitReady } from './testing/server-process';

const ADMIN_PASSWORD = 'main-test-admin-password';

/** How each way of running the server is started: node's arguments. */
const LAUNCHERS = {
  'the bundle (node dist/main.mjs)': ['--max-old-space-size=1024', BUNDLE],
  'the sources (tsx main.ts)': ['--import', 'tsx', MAIN],
} as const;

describe.each(Object.entries(LAUNCHERS))('the server process, %s', (_name, args) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  // A no-op when the bundle is newer than everything it was built from (turbo builds it first).
  beforeAll(ensureBundle);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function watch(pid: number | undefined): void {
    cleanups.push(() => {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    });
  }

  /** The server's settings: a fresh database of its own. */
  async function env(port: number): Promise<NodeJS.ProcessEnv> {
    const { DATABASE_URL: url, ...rest } = process.env;
    const settings = { ...rest, PORT: String(port), ADMIN_PASSWORD, LOG_LEVEL: 'warn' };
    if (!url) {
      const dataDir = mkdtempSync(join(tmpdir(), 'audit-main-'));
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true });
      });
      return { ...settings, DATA_DIR: dataDir };
    }
    const database = await createEmptyTestDatabase(url, 'audit_main');
    cleanups.push(database.drop);
    return { ...settings, DATABASE_URL: database.url };
  }

  it('starts, serves, and exits with 0 within 10 s of SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, args, { env: await env(port), stdio: 'ignore' });
    watch(child.pid);
    await waitReady(port, child);
    // A request that needs the migrated database and the first admin.
    const login = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toBeTruthy();
    const sent = performance.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(performance.now() - sent).toBeLessThan(10_000);
  });

  it('stops by itself when its parent dies without passing a signal on (no orphan)', async () => {
    const port = await freePort();
    // A shell stands for a parent such as pnpm: it is the server's parent, and is killed outright.
    const command = [process.execPath, ...args].map((arg) => `"${arg}"`).join(' ');
    const shell = spawn('sh', ['-c', `${command} & echo $!; wait`], {
      env: await env(port),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    watch(shell.pid);
    const [line] = (await once(shell.stdout, 'data')) as [Buffer];
    const server = Number(line.toString().trim());
    watch(server);
    await waitReady(port, shell);
    shell.kill('SIGKILL');
    const until = Date.now() + 15_000;
    while (alive(server) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(alive(server)).toBe(false);
  });
});
