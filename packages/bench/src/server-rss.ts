/**
 * pnpm --filter @audit/bench server-rss [--rounds N] [--settle-ms N] [--out FILE]
 *
 * What the way the server is started costs in memory: the production bundle under plain node,
 * the sources under tsx, and each under pnpm as `pnpm start` ran (pnpm → pnpm → tsx → node) and
 * runs it now (pnpm → node). On PGlite with an empty data directory each time: time to ready,
 * RSS of the server process and of the whole process tree once idle after the start and after
 * 20 list requests, and how long SIGTERM to the top process takes to end every process of it.
 * The variants run one after the other in each round, the order reversed every other round,
 * so that all see the same (shared, noisy) machine; read the ratios.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { signIn, trpcQuery } from './http';
import { processMemory, processTree } from './machine';
import { formatMs } from './stats';
import { ADMIN_PASSWORD } from './target';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const apiDir = join(root, 'packages/api');
const MB = 1024 * 1024;
const HEAP = '--max-old-space-size=1024';
const LIST_REQUESTS = 20;

interface Variant {
  id: string;
  label: string;
  command: string;
  args: string[];
  cwd: string;
}

const VARIANTS: Variant[] = [
  {
    id: 'bundle',
    label: '`node dist/main.mjs` (production)',
    command: process.execPath,
    args: [HEAP, 'packages/api/dist/main.mjs'],
    cwd: root,
  },
  {
    id: 'tsx',
    label: '`node --import tsx src/main.ts` (tsx in the server process)',
    command: process.execPath,
    args: [HEAP, '--import', 'tsx', 'src/main.ts'],
    cwd: apiDir,
  },
  {
    id: 'tsx-cli',
    label: '`tsx src/main.ts` (the tsx command: a parent node, then the server)',
    command: join(apiDir, 'node_modules/.bin/tsx'),
    args: [HEAP, 'src/main.ts'],
    cwd: apiDir,
  },
  {
    id: 'pnpm-tsx',
    // The script `pnpm start` ran before the bundle, through its api package's start script.
    label: '`pnpm start` before: pnpm → sh → pnpm → tsx → node',
    command: 'pnpm',
    args: [
      'exec',
      'sh',
      '-c',
      `node packages/web/scripts/ensure-built.mjs && pnpm --filter @audit/api exec tsx ${HEAP} src/main.ts`,
    ],
    cwd: root,
  },
  {
    id: 'pnpm-bundle',
    label: '`pnpm start` now: pnpm → node dist/main.mjs',
    command: 'pnpm',
    args: ['start'],
    cwd: root,
  },
];

function rssOf(pid: number): number {
  const rss = processMemory(pid)?.rss ?? 0;
  return Number.isFinite(rss) ? rss : 0;
}

interface Rss {
  /** The server: the largest process of the tree. */
  server: number;
  total: number;
  processes: number;
}

function treeRss(pid: number): Rss {
  const sizes = processTree(pid).map(rssOf);
  return {
    server: Math.max(0, ...sizes),
    total: sizes.reduce((a, b) => a + b, 0),
    processes: sizes.length,
  };
}

const TICKS_PER_S = 100; // Linux's USER_HZ

/** CPU time the tree has used, its reaped children's included (initdb, the build checks). */
function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // After "pid (comm) ": state is field 3; utime, stime, cutime, cstime are 14-17.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      for (const i of [11, 12, 13, 14]) ticks += Number(fields[i] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / TICKS_PER_S;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ready`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await sleep(50);
  }
  throw new Error('never became ready');
}

interface Measured {
  readyMs: number;
  /** CPU time used until ready: what the start costs, less sensitive to a busy machine. */
  readyCpuMs: number;
  restartCpuMs: number;
  /** Ready again on the same data directory: no initdb, so mostly loading the code. */
  restartMs: number;
  idle: Rss;
  afterLists: Rss;
  stopMs: number;
  leftovers: number;
}

interface Launched {
  top: number;
  base: string;
  readyMs: number;
  cpuMs: number;
}

async function launch(variant: Variant, dataDir: string): Promise<Launched> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The server refuses settings it does not know; DATABASE_URL would pick PostgreSQL.
    if (value === undefined || /^(AUDIT_|PGLITE_|DATABASE_URL$)/.test(name)) continue;
    env[name] = value;
  }
  Object.assign(env, { DATA_DIR: dataDir, PORT: String(port), ADMIN_PASSWORD, LOG_LEVEL: 'warn' });
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(variant.command, variant.args, { cwd: variant.cwd, env, stdio: 'ignore' });
  const top = child.pid ?? 0;
  try {
    await waitReady(base, child);
  } catch (error) {
    await stop(top);
    throw error;
  }
  return { top, base, readyMs: performance.now() - started, cpuMs: treeCpuMs(top) };
}

/** SIGTERM to the top process; then how long until its whole tree was gone, and what was not. */
async function stop(top: number): Promise<{ stopMs: number; leftovers: number }> {
  const pids = processTree(top);
  const stopping = performance.now();
  if (alive(top)) process.kill(top, 'SIGTERM');
  const until = Date.now() + 15_000;
  while (pids.some(alive) && Date.now() < until) await sleep(50);
  const stopMs = performance.now() - stopping;
  const left = pids.filter(alive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return { stopMs, leftovers: left.length };
}

async function measure(variant: Variant, settleMs: number): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-server-rss-'));
  try {
    const first = await launch(variant, dataDir);
    let stopped;
    let idle;
    let afterLists;
    try {
      await sleep(settleMs);
      idle = treeRss(first.top);
      const admin = await signIn(first.base, 'admin', ADMIN_PASSWORD);
      for (let i = 0; i < LIST_REQUESTS; i++) {
        await trpcQuery(
          admin,
          'auditLogs.list',
          [
            {},
            { filter: { status: 'failure' } },
            { sort: { field: 'userName', direction: 'asc' } },
            { filter: { q: 'user:alice task:tenant.*' }, limit: 100 },
          ][i % 4],
        );
      }
      await sleep(settleMs);
      afterLists = treeRss(first.top);
    } finally {
      stopped = await stop(first.top);
    }
    const again = await launch(variant, dataDir);
    await stop(again.top);
    return {
      readyMs: first.readyMs,
      restartMs: again.readyMs,
      readyCpuMs: first.cpuMs,
      restartCpuMs: again.cpuMs,
      idle,
      afterLists,
      ...stopped,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '2' },
      'settle-ms': { type: 'string', default: '15000' },
      out: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const settleMs = Number(values['settle-ms']);
  // Both builds up to date first, so no variant pays for one.
  execFileSync(process.execPath, ['packages/web/scripts/ensure-built.mjs'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['packages/api/build.mjs', '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  const results = new Map<string, Measured[]>(VARIANTS.map((v) => [v.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
    for (const variant of order) {
      const m = await measure(variant, settleMs);
      console.error(
        `round ${round + 1} ${variant.id}: ready ${formatMs(m.readyMs)} (CPU ${formatMs(m.readyCpuMs)}; restart ${formatMs(m.restartMs)}, CPU ${formatMs(m.restartCpuMs)}), idle ${mb(m.idle.server)}/${mb(m.idle.total)}, ` +
          `after lists ${mb(m.afterLists.server)}/${mb(m.afterLists.total)}, stop ${formatMs(m.stopMs)}, leftovers ${m.leftovers}`,
      );
      results.get(variant.id)?.push(m);
    }
  }

  const of = (id: string, pick: (m: Measured) => number) =>
    median((results.get(id) ?? []).map(pick));
  const bundleTotal = of('bundle', (m) => m.afterLists.total);
  const bundleFile = join(apiDir, 'dist/main.mjs');
  const lines = [
    '| how the server is started | processes | to ready, first start: wall / CPU | restart: wall / CPU | idle after start: server / all | after 20 lists: server / all | all ÷ bundle | SIGTERM → all gone |',
    '|---|---|---|---|---|---|---|---|',
    ...VARIANTS.map((v) => {
      const all = of(v.id, (m) => m.afterLists.total);
      return (
        `| ${v.label} | ${of(v.id, (m) => m.afterLists.processes)} | ${formatMs(of(v.id, (m) => m.readyMs))} / ${formatMs(of(v.id, (m) => m.readyCpuMs))} ` +
        `| ${formatMs(of(v.id, (m) => m.restartMs))} / ${formatMs(of(v.id, (m) => m.restartCpuMs))} ` +
        `| ${mb(of(v.id, (m) => m.idle.server))} / ${mb(of(v.id, (m) => m.idle.total))} ` +
        `| ${mb(of(v.id, (m) => m.afterLists.server))} / ${mb(all)} | ${(all / bundleTotal).toFixed(2)}× ` +
        `| ${formatMs(of(v.id, (m) => m.stopMs))}${of(v.id, (m) => m.leftovers) ? ', processes left' : ''} |`
      );
    }),
    '',
    `Medians of ${rounds} round(s), ${settleMs / 1000} s idle before each reading; PGlite, empty data ` +
      `directory (first start: initdb, migrations; restart: the same directory again). CPU: user + ` +
      `system time of the whole process tree until /readyz answered, which a busy machine ` +
      `stretches less than the wall time. The bundle: dist/main.mjs ` +
      `${Math.round(statSync(bundleFile).size / 1024)} KiB (source map ` +
      `${Math.round(statSync(`${bundleFile}.map`).size / 1024)} KiB, not loaded by default).`,
  ];
  const text = `${lines.join('\n')}\n`;
  if (values.out) writeFileSync(values.out, text);
  console.log(text);
}

await main();
