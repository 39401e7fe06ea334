/**
 * PGlite's footprint (the target: the embedded default idles at ≤ 300 MB RSS). The real
 * server, the bundle `packages/api/dist/main.mjs` as `pnpm start` runs it (plain node, 1 GB
 * heap limit), in a child process: first on a fresh data directory (initdb and migrations),
 * then on the data directory the benchmark loaded. RSS is read from /proc: the server's, and during a first start the server's plus
 * its children's (PGlite's initdb runs in one).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { generateSeed } from '@audit/db/seed';
import { createAuditClient, type EventToRecord } from '@audit/sdk';

import { signIn, trpcMutation, trpcQuery } from './http';
import { processMemory, processTree } from './machine';
import type { BenchOptions } from './options';
import type { ResultRow } from './results';
import { formatCount, formatMs } from './stats';
import { ADMIN_PASSWORD } from './target';

export const IDLE_TARGET_MB = 300;
const MB = 1024 * 1024;
const DAY = 86_400_000;
const apiDir = fileURLToPath(new URL('../../api', import.meta.url));

/** Resident memory of a process and all its descendants, in bytes. */
function treeRss(pid: number): number {
  // No /proc children file (gone, or not on this kernel): the process alone. An exiting
  // process has no VmRSS line any more (NaN): count it as gone.
  const tree = processTree(pid);
  return (tree.length > 0 ? tree : [pid]).reduce((sum, p) => {
    const rss = processMemory(p)?.rss ?? 0;
    return sum + (Number.isFinite(rss) ? rss : 0);
  }, 0);
}

interface Started {
  child: ChildProcess;
  base: string;
  readyMs: number;
  /** Highest RSS of the server and its children while it started. */
  peakTree: number;
  /** The server process's own high-water mark when it was ready. */
  peakServer: number;
}

/** `pnpm start`'s server (node dist/main.mjs) on `dataDir`; resolves once it listens. */
async function startServer(dataDir: string): Promise<Started> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The server refuses settings it does not know; DATABASE_URL would pick PostgreSQL.
    if (value === undefined || /^(AUDIT_|PGLITE_|DATABASE_URL$)/.test(name)) continue;
    env[name] = value;
  }
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_PASSWORD,
    LOG_LEVEL: 'info',
  });
  const started = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=1024', 'dist/main.mjs'], {
    cwd: apiDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peakTree = 0;
  const sampler = setInterval(() => {
    if (child.pid) peakTree = Math.max(peakTree, treeRss(child.pid));
  }, 20);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      // Fastify's log line, e.g. {"msg":"Server listening at http://127.0.0.1:40123"}.
      createInterface({ input: child.stdout }).on('line', (line) => {
        const url = /Server listening at (http:\/\/[^"\s]+)/.exec(line)?.[1];
        if (url) resolve(url);
      });
      child.once('exit', (code) => {
        reject(new Error(`server exited with ${code} before listening: ${stderr.trim()}`));
      });
    });
    const pid = child.pid ?? 0;
    const peakServer = processMemory(pid)?.hwm ?? Number.NaN;
    // Sampling can miss the server's own peak, which the kernel keeps.
    peakTree = Math.max(peakTree, treeRss(pid), peakServer);
    return { child, base, readyMs: performance.now() - started, peakTree, peakServer };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearInterval(sampler);
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(15_000, true)]);
  if (timedOut) child.kill('SIGKILL');
}

interface Idle {
  /** RSS 2 s after the last request (or the start). */
  soon: number;
  /** RSS after `settleMs` without requests: V8 gives back heap it no longer needs ~30 s after a burst. */
  settled: number;
}

async function idleRss(child: ChildProcess, settleMs: number): Promise<Idle> {
  const rss = () => processMemory(child.pid ?? 0)?.rss ?? Number.NaN;
  await sleep(2_000);
  const soon = rss();
  await sleep(Math.max(0, settleMs - 2_000));
  return { soon, settled: rss() };
}

/**
 * What a user and a service do: each round records a batch of 1 000 events through the SDK,
 * then opens the list (first page, a filter, a sort), the histogram and the facets.
 */
async function serveRequests(base: string, rounds: number, seed: number): Promise<number> {
  const admin = await signIn(base, 'admin', ADMIN_PASSWORD);
  const { secret } = await trpcMutation<{ secret: string }>(admin, 'tokens.create', {
    name: `memory-${seed}`,
    scopes: ['ingest', 'read'],
    systemId: 'audit-bench',
  });
  const client = createAuditClient({ url: base, token: secret });
  const end = new Date();
  const last30Days = {
    from: new Date(end.getTime() - 30 * DAY).toISOString(),
    to: end.toISOString(),
  };
  let requests = 1;
  for (let round = 0; round < rounds; round++) {
    const batch: EventToRecord[] = [];
    for (const chunk of generateSeed({
      events: 1000,
      days: 30,
      tenants: 1,
      end,
      seed: seed + round,
    })) {
      for (const { jobIndex: _job, tenant: _tenant, ...event } of chunk.events) {
        batch.push({ ...event, userIp: event.userIp ?? null });
      }
    }
    await client.record(batch);
    await trpcQuery(admin, 'auditLogs.list', {});
    await trpcQuery(admin, 'auditLogs.list', { filter: { status: 'failure' } });
    await trpcQuery(admin, 'auditLogs.list', { sort: { field: 'userName', direction: 'asc' } });
    await trpcQuery(admin, 'auditLogs.histogram', { filter: last30Days });
    await trpcQuery(admin, 'auditLogs.facets', { filter: last30Days });
    requests += 6;
  }
  return requests;
}

function mb(bytes: number): string {
  return `${formatCount(bytes / MB)} MB`;
}

function peakRow(id: string, label: string, s: Started): ResultRow {
  return {
    id,
    label,
    cells: {
      ours: `${mb(s.peakTree)} (server alone ${mb(s.peakServer)})`,
      direct: `ready in ${formatMs(s.readyMs)}`,
      ratio: '',
    },
    target: '',
  };
}

function idleRow(id: string, label: string, idle: Idle): ResultRow {
  const met = idle.settled <= IDLE_TARGET_MB * MB;
  return {
    id,
    label,
    cells: {
      ours: `${mb(idle.settled)} (2 s after: ${mb(idle.soon)})`,
      direct: `≤ ${IDLE_TARGET_MB} MB (target)`,
      ratio: `${(idle.settled / (IDLE_TARGET_MB * MB)).toFixed(2)}×`,
    },
    target: met ? `met (≤ ${IDLE_TARGET_MB} MB)` : `missed (≤ ${IDLE_TARGET_MB} MB)`,
  };
}

/**
 * The server's memory on PGlite: a first start on an empty data directory, then (when the
 * benchmark loaded one) a start on `loaded.dataDir` with its `loaded.events`; peak RSS while it
 * starts, idle RSS after its start and after some requests.
 */
export async function runPgliteMemory(
  options: Pick<BenchOptions, 'quick'>,
  loaded: { dataDir: string; events: number } | null,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const rounds = options.quick ? 5 : 20;
  // Idle: what the server holds a minute after its last request (--quick: 3 s, a smoke run).
  const settleMs = options.quick ? 3_000 : 60_000;
  const idleFor = `${settleMs / 1000} s without requests`;
  const rows: ResultRow[] = [];
  const what = (requests: number) =>
    `${formatCount(requests)} requests (${rounds} batches of 1 000 events recorded; lists, histograms, facets)`;

  // As `pnpm start` does first: the bundle, built when missing or stale.
  execFileSync(process.execPath, [join(apiDir, 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
  const fresh = mkdtempSync(join(tmpdir(), 'audit-bench-memory-'));
  try {
    log('  memory: first start of the server on an empty PGlite data directory…');
    const first = await startServer(fresh);
    try {
      rows.push(
        peakRow(
          'memory.first.peak',
          'PGlite server, first start (initdb, migrations): peak RSS',
          first,
        ),
        idleRow(
          'memory.first.idle',
          `PGlite server, idle (${idleFor}) after its first start`,
          await idleRss(first.child, settleMs),
        ),
      );
      const requests = await serveRequests(first.base, rounds, 11);
      rows.push(
        idleRow(
          'memory.first.requests',
          `PGlite server, idle (${idleFor}) after ${what(requests)}`,
          await idleRss(first.child, settleMs),
        ),
      );
    } finally {
      await stopServer(first.child);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }

  if (loaded) {
    const n = formatCount(loaded.events);
    log(`  memory: the server restarted on the benchmark's ${n} events…`);
    const again = await startServer(loaded.dataDir);
    try {
      rows.push(
        peakRow('memory.loaded.peak', `PGlite server, start on ${n} events: peak RSS`, again),
        idleRow(
          'memory.loaded.idle',
          `PGlite server, idle (${idleFor}) after its start on ${n} events`,
          await idleRss(again.child, settleMs),
        ),
      );
      const requests = await serveRequests(again.base, rounds, 1_000_011);
      rows.push(
        idleRow(
          'memory.loaded.requests',
          `PGlite server on ${n} events, idle (${idleFor}) after ${what(requests)}`,
          await idleRss(again.child, settleMs),
        ),
      );
    } finally {
      await stopServer(again.child);
    }
  }
  return rows;
}
