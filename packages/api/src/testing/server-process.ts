// The server in processes of its own (main.ts from its sources under tsx, or the bundle that
// `pnpm start` and production run), for the tests of what only separate processes show:
// signals, shutdown, several servers on one database.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const MAIN = join(import.meta.dirname, '..', 'main.ts');

/** The production bundle (build.mjs), run with plain node. */
export const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'main.mjs');

/** Builds the bundle when it is missing or stale, as `pnpm start` does first. */
export function ensureBundle(): void {
  execFileSync(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'build.mjs'), '--if-stale'],
    {
      stdio: 'inherit',
    },
  );
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Waits for /readyz to answer 200; fails at once if the process exits first. */
export async function waitReady(port: number, child: ChildProcess): Promise<void> {
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
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** main.ts in a process of its own, with this environment; stderr is kept. */
export function spawnServer(env: NodeJS.ProcessEnv): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return Object.assign(child, { stderrText: () => stderr });
}

/**
 * A tRPC call over HTTP: the `result.data` of its answer, or an error naming the status.
 * T is the caller's word for the procedure's output (these tests see no router types).
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function trpcCall<T = unknown>(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'POST',
): Promise<{ data: T; response: Response }> {
  const url =
    method === 'GET'
      ? `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `${base}/trpc/${path}`;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body: JSON.stringify(input) } : {}),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok || !body.result) {
    throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
  }
  return { data: body.result.data, response };
}
