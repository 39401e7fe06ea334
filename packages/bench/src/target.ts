import { generateKeyPairSync } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';

import {
  buildServer,
  sealPending,
  signingKeyFrom,
  UNSEALED_AFTER_MS,
  verifySeals,
  ensureFirstAdmin,
  SERVER_HEAP_LIMIT_MB,
  startBackgroundWork,
} from '@audit/api';
import { createDb, parsePgTimestamp, type AuditDb } from '@audit/db';
import { loadSeed } from '@audit/db/seed/load';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

import { QueryCapture, type CapturedQuery } from './capture';
import { signIn, trpcMutation, type HttpSession } from './http';
import type { Target } from './options';

export const ADMIN_PASSWORD = 'bench-admin-password';

type Server = Awaited<ReturnType<typeof buildServer>>;

/** One database under test, with the product's server in front of it and a direct line to it. */
export interface BenchTarget {
  kind: Target;
  label: string;
  store: AuditDb;
  capture: QueryCapture;
  /** Not listening: requests are injected to capture the SQL they send. */
  captureServer: Server;
  /** The timed server over HTTP, signed in as the admin (a web-app session). */
  admin: HttpSession;
  /** An API token with the ingest and read scopes (the SDK's credentials). */
  token: string;
  /** The server process, for its memory (the benchmark's own process for PGlite). */
  serverPid: number;
  /** That process's V8 heap limit (`heap_size_limit`), in MB: it decides how far garbage grows. */
  serverHeapLimitMb: number;
  archiveDir: string;
  events: number;
  /** When the generated events end. */
  end: Date;
  loadSeconds: number;
  loadRate: number;
  /** Sealing the loaded store and verifying it whole (null when an earlier run's store was reused). */
  integrity: { events: number; sealSeconds: number; verifySeconds: number; ok: boolean } | null;
  serverVersion: string;
  /** PostgreSQL: the benchmark database's URL ('' for PGlite). */
  databaseUrl: string;
  /** Set when an earlier run's database was reused instead of loaded. */
  reused: string | null;
  /** Runs one captured statement the way Drizzle does, straight on the driver. */
  direct(query: CapturedQuery): Promise<unknown>;
  /** `EXPLAIN (ANALYZE, BUFFERS)` of a captured statement, as text. */
  explain(query: CapturedQuery): Promise<string>;
  /** Plain SQL on the direct connection (setup and the direct side of bulk scenarios). */
  exec<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  raw: { driver: 'postgres'; sql: postgres.Sql } | { driver: 'pglite'; pglite: PGlite };
  /**
   * `afterClose` runs once the database is closed and before its files go: it gets PGlite's
   * data directory (null on PostgreSQL), which another process may then open.
   */
  close(keep: boolean, afterClose?: (pgliteDataDir: string | null) => Promise<void>): Promise<void>;
}

export interface TargetSetup {
  kind: Target;
  events: number;
  days: number;
  tenants: number;
  pgUrl: string;
  /** PostgreSQL: use this existing benchmark database (kept by --keep) instead of loading one. */
  reuseDb: string | null;
  /** The built SPA for the server to serve (the browser scenario), if any. */
  webDir?: string | null;
  log: (line: string) => void;
}

function childServer(
  signingKeyPem: string,
  databaseUrl: string,
  archiveDir: string,
  webDir: string | null | undefined,
): Promise<{ child: ChildProcess; url: string; heapLimitMb: number }> {
  const child = fork(new URL('./server-child.ts', import.meta.url).pathname, [], {
    // The heap limit packages/api's start script gives the server.
    execArgv: [`--max-old-space-size=${SERVER_HEAP_LIMIT_MB}`, '--import', 'tsx'],
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ARCHIVE_DIR: archiveDir,
      BENCH_SIGNING_KEY: signingKeyPem,
      ...(webDir ? { WEB_DIR: webDir } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url?: string; heapLimitMb?: number }) => {
      if (message.url && message.heapLimitMb)
        resolve({ child, url: message.url, heapLimitMb: message.heapLimitMb });
      else reject(new Error('server child sent no url and heap limit'));
    });
    child.once('exit', (code) => {
      reject(new Error(`server child exited with ${code} before listening`));
    });
  });
}

/** Creates, migrates and loads the database, then starts the server in front of it. */
export async function setUpTarget(setup: TargetSetup): Promise<BenchTarget> {
  // One key for the benchmark's sealing and the server's, in whichever process that runs.
  const signingKeyPem = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const signingKey = signingKeyFrom(signingKeyPem);
  const { kind, log } = setup;
  const capture = new QueryCapture();
  const archiveDir = mkdtempSync(join(tmpdir(), 'audit-bench-archives-'));
  const cleanups: (() => Promise<void>)[] = [
    () => {
      rmSync(archiveDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  ];

  let store: AuditDb;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let pgliteDataDir: string | null = null;
  if (kind === 'pg') {
    const name = setup.reuseDb ?? `audit_bench_${process.pid}`;
    const onServer = async (statement: string) => {
      const admin = postgres(setup.pgUrl, { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe(statement);
      } finally {
        await admin.end();
      }
    };
    if (!setup.reuseDb) {
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await onServer(`CREATE DATABASE ${name}`);
    }
    const url = new URL(setup.pgUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    log(`PostgreSQL: database ${name}`);
    store = await createDb({ databaseUrl, logger: capture, maxConnections: 8 });
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-bench-pglite-'));
    pgliteDataDir = dataDir;
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
    store = await createDb({ dataDir, logger: capture });
  }
  await store.migrate();
  await ensureFirstAdmin(store.db, ADMIN_PASSWORD, new Date());

  let end = new Date();
  let loaded = { events: 0, seconds: 0 };
  if (setup.reuseDb && store.raw.driver === 'postgres') {
    const [row] = await store.raw.sql<{ n: string; end: string | null }[]>`
      SELECT count(*)::text AS n, max(occurred_at)::text AS end FROM events`;
    loaded = { events: Number(row?.n ?? 0), seconds: 0 };
    if (row?.end) end = parsePgTimestamp(row.end);
    log(`Reusing ${setup.reuseDb}: ${loaded.events.toLocaleString('en')} events`);
  } else {
    log(
      `Loading ${setup.events.toLocaleString('en')} events over ${setup.days} days into ${kind === 'pg' ? 'PostgreSQL' : 'PGlite'}…`,
    );
    let lastLog = performance.now();
    loaded = await loadSeed(
      store,
      { events: setup.events, days: setup.days, tenants: setup.tenants, seed: 1, end },
      (done) => {
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  ${done.toLocaleString('en')} events loaded`);
        }
      },
    );
  }
  const loadRate = loaded.seconds ? loaded.events / loaded.seconds : 0;
  log(
    `  loaded in ${loaded.seconds.toFixed(1)} s (${Math.round(loadRate).toLocaleString('en')} events/s); sealing…`,
  );
  // The loaded store sealed whole, then verified whole, before any scenario: what the
  // sealer would do in the background, timed (and not left to compete with the timings).
  let integrity: BenchTarget['integrity'] = null;
  if (!setup.reuseDb) {
    let started = performance.now();
    const sealed = await sealPending(store.db, signingKey, () => new Date());
    const sealSeconds = (performance.now() - started) / 1000;
    log(
      `  sealed ${sealed.events.toLocaleString('en')} events in ${sealSeconds.toFixed(1)} s; verifying…`,
    );
    started = performance.now();
    const report = await verifySeals(store.db, signingKey.publicKey, {
      now: new Date(),
      sealingDelayMs: UNSEALED_AFTER_MS,
    });
    const verifySeconds = (performance.now() - started) / 1000;
    log(
      `  verified ${report.checkedEvents.toLocaleString('en')} events in ${verifySeconds.toFixed(1)} s (ok: ${report.ok}); VACUUM ANALYZE…`,
    );
    integrity = { events: sealed.events, sealSeconds, verifySeconds, ok: report.ok };
  }

  let direct: BenchTarget['direct'];
  let explain: BenchTarget['explain'];
  let exec: BenchTarget['exec'];
  let raw: BenchTarget['raw'];
  let serverPid: number;
  let serverHeapLimitMb: number;
  let base: string;
  let stopServer: () => Promise<void>;

  if (store.raw.driver === 'postgres' && databaseUrl) {
    // The direct side: its own postgres.js connection, set up as createDb sets up the product's.
    const sql = postgres(databaseUrl, {
      max: 1,
      onnotice: () => undefined,
      connection: { application_name: 'audit-bench-direct', TimeZone: 'UTC' },
    });
    cleanups.unshift(() => sql.end({ timeout: 5 }));
    raw = { driver: 'postgres', sql };
    // Drizzle sends unnamed statements (prepare: false) and reads rows as arrays.
    direct = (q) => sql.unsafe(q.text, q.params as postgres.ParameterOrJSON<never>[]).values();
    explain = async (q) => {
      const rows = await sql.unsafe<Record<string, string>[]>(
        `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`,
        q.params as postgres.ParameterOrJSON<never>[],
      );
      return rows.map((r) => Object.values(r)[0] ?? '').join('\n');
    };
    exec = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    await sql`VACUUM (ANALYZE) events, event_counts`;
    const started = await childServer(signingKeyPem, databaseUrl, archiveDir, setup.webDir);
    const child = started.child;
    serverPid = child.pid ?? 0;
    serverHeapLimitMb = started.heapLimitMb;
    base = started.url;
    stopServer = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<boolean>((resolve) =>
        child.once('exit', () => {
          resolve(true);
        }),
      );
      child.send('stop');
      const timeout = new Promise<boolean>((resolve) =>
        setTimeout(() => {
          resolve(false);
        }, 10_000),
      );
      if (!(await Promise.race([exited, timeout]))) child.kill('SIGKILL');
    };
  } else if (store.raw.driver === 'pglite') {
    const { pglite } = store.raw;
    raw = { driver: 'pglite', pglite };
    direct = (q) => pglite.query(q.text, q.params, { rowMode: 'array' });
    explain = async (q) => {
      const result = await pglite.query<Record<string, string>>(
        `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`,
        q.params,
      );
      return result.rows.map((r) => Object.values(r)[0] ?? '').join('\n');
    };
    exec = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await pglite.query<T>(text, params)).rows;
    await pglite.exec('VACUUM ANALYZE events, event_counts');
    // PGlite is one process's: the server runs in this one, as `pnpm start` would run it.
    const server = await buildServer({
      // The benchmark is one caller asking as fast as it can: no rate limit.
      config: { LOG_LEVEL: 'error', RATE_LIMIT: 0 },
      store,
      archiveDir,
      webDir: setup.webDir ?? undefined,
      signingKey,
    });
    const background = startBackgroundWork({ store, archiveDir, signingKey, pollMs: 50 });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    serverPid = process.pid;
    serverHeapLimitMb = getHeapStatistics().heap_size_limit / (1024 * 1024);
    stopServer = async () => {
      await server.close();
      await background.stop();
    };
  } else {
    throw new Error('unreachable: a PostgreSQL store without its URL');
  }

  const captureServer = await buildServer({
    config: { LOG_LEVEL: 'error', RATE_LIMIT: 0 },
    store,
    archiveDir,
  });
  const adminSession = await signIn(base, 'admin', ADMIN_PASSWORD);
  const { secret } = await trpcMutation<{ secret: string }>(adminSession, 'tokens.create', {
    name: 'bench',
    scopes: ['ingest', 'read'],
    systemId: 'audit-bench',
  });
  const [version] = await exec<{ v: string }>(`SELECT version() AS v`);

  return {
    kind,
    label: kind === 'pg' ? 'PostgreSQL' : 'PGlite',
    store,
    capture,
    captureServer,
    admin: adminSession,
    token: secret,
    serverPid,
    serverHeapLimitMb,
    archiveDir,
    events: loaded.events,
    end,
    loadSeconds: loaded.seconds,
    loadRate,
    integrity,
    serverVersion: version?.v ?? 'unknown',
    databaseUrl: databaseUrl ?? '',
    reused: setup.reuseDb,
    direct,
    explain,
    exec,
    raw,
    async close(keep, afterClose) {
      await stopServer();
      await captureServer.close();
      await store.close();
      await afterClose?.(pgliteDataDir);
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      if (dropDatabase && !keep && !setup.reuseDb) await dropDatabase();
    },
  };
}
