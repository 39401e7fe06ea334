// The server as `pnpm start` runs it (main.ts in its own process, on PGlite): how it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server never became ready');
}

/** Whether a process with this pid still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the server process', () => {
  const dirs: string[] = [];
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function env(port: number): NodeJS.ProcessEnv {
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-main-'));
    dirs.push(dataDir);
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    return {
      ...rest,
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'main-test-admin-password',
      LOG_LEVEL: 'warn',
    };
  }

  it('exits with 0 within 10 s of SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: env(port),
      stdio: 'ignore',
    });
    pids.push(child.pid ?? 0);
    await waitReady(port, child);
    const sent = performance.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(performance.now() - sent).toBeLessThan(10_000);
  });

  it('stops by itself when its parent dies without passing a signal on (no orphan)', async () => {
    const port = await freePort();
    // A shell stands for `pnpm start`: it is the server's parent, and is killed outright.
    const shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" --import tsx "${MAIN}" & echo $!; wait`],
      { env: env(port), stdio: ['ignore', 'pipe', 'ignore'] },
    );
    pids.push(shell.pid ?? 0);
    const [line] = (await once(shell.stdout, 'data')) as [Buffer];
    const server = Number(line.toString().trim());
    pids.push(server);
    await waitReady(port, shell);
    shell.kill('SIGKILL');
    const until = Date.now() + 15_000;
    while (alive(server) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(alive(server)).toBe(false);
  });
});
