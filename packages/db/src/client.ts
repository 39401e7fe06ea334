import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import { runMigrations } from './migrate';
import { lockDataDir } from './pglite-lock';
import * as schema from './schema';

export type Schema = typeof schema;

/** The one query interface the rest of the code uses, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;

export type Driver = 'pglite' | 'postgres';

/** The driver's own client, for what Drizzle does not do (COPY, streaming). */
export type RawClient =
  { driver: 'postgres'; sql: postgres.Sql } | { driver: 'pglite'; pglite: PGlite };

export interface AuditDb {
  db: Database;
  driver: Driver;
  raw: RawClient;
  /** Applies pending migrations (serialised across processes) and creates the partitions around now. */
  migrate(): Promise<void>;
  /** Waits for running queries, then closes the pool or the embedded database. */
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** `postgres://…`: PostgreSQL through postgres.js. Absent: embedded PGlite. */
  databaseUrl?: string | undefined;
  /**
   * Where PGlite keeps its files (in `<dataDir>/pglite`); `memory://` for a throw-away
   * database. Default `./.data`.
   */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number | undefined;
  /** Sees every query Drizzle sends, with its parameters (the benchmark captures SQL with it). */
  logger?: Logger | undefined;
}

/**
 * PGlite's memory, all in one place (checked by `pnpm bench --db pglite --scenario memory`:
 * RESULTS.md, PGlite server rows). Its postgres lives in a
 * WASM linear memory that never shrinks (128 MB at least, the module's minimum), and every page
 * of it that postgres touches stays resident. With PGlite's defaults the server idled at
 * ~395 MB RSS on 200 k events and ~780 MB after a first start (peak ~930 MB): shared_buffers
 * (128 MB, zeroed at start, so all resident) and what initdb left behind (initPgliteDataDir).
 * Now ~240-270 MB idle, WASM resident ~40 MB instead of ~190 MB. The rest is not PGlite's own:
 * Node and tsx ~75 MB (and ~45 MB more for tsx to load PGlite's 1 MB bundle), the app's JS heap,
 * V8's compiled WASM and what its optimising compiler leaves behind (40-80 MB).
 */
const PGLITE_SETTINGS = [
  // Default 128 MB. Data files are read through the OS page cache, so at 200 k events lists,
  // histogram and facets ran as fast with 24 MB or 32 MB (within noise) and batches of 1 000
  // events ~15 % slower; 16 MB slowed those batches and full-text lists by ~40 %. work_mem and
  // maintenance_work_mem keep their defaults: sorts and index builds work per monthly
  // partition and stayed far below them.
  'shared_buffers=24MB',
];

/** PGlite creation options derived from PGLITE_SETTINGS (initdb writes them into postgresql.conf too). */
const PGLITE_OPTIONS = {
  startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
  initDbStartParams: PGLITE_SETTINGS.flatMap((s) => ['-c', s]),
};

/**
 * Creates a new PGlite data directory in a short-lived child process. PGlite runs initdb in a
 * second WASM instance next to the first, with a 128 MB copy of its memory and the new data
 * directory as an in-memory tar: ~500 MB that, freed, the server process would never hand back
 * to the OS (its idle RSS stayed ~400 MB higher after a first start than after a restart).
 * In a child, all of it ends with the child. `--liftoff-only`: a one-off run does not repay
 * V8's optimising compiler for PGlite's 9 MB module: initdb takes ~40 % less time and ~100 MB
 * less memory.
 */
async function initPgliteDataDir(location: string): Promise<void> {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = [
    `import { PGlite } from ${JSON.stringify(entry)};`,
    `const pglite = await PGlite.create(JSON.parse(process.argv[1]));`,
    `await pglite.close();`,
  ].join('\n');
  const child = spawn(
    process.execPath,
    [
      '--liftoff-only',
      '--input-type=module',
      '-e',
      script,
      '--',
      JSON.stringify({ dataDir: location, ...PGLITE_OPTIONS }),
    ],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) {
    throw new Error(
      `PGlite: creating the database in ${location} failed (exit ${code}): ${stderr.trim()}`,
    );
  }
}

/**
 * Opens the store. Call it once per process: it owns the connection pool (or the
 * embedded database, which only one process may open).
 */
export async function createDb(options: CreateDbOptions = {}): Promise<AuditDb> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => undefined,
      // Seconds before a connection tries again after its last attempt failed: postgres.js's
      // own curve, capped at 2 s instead of 20, so that the server is back within seconds of
      // the database (requests wait for the reconnect meanwhile, or fail with a 503).
      backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2),
      // JIT compiles a plan that the planner costed high: seconds, for queries that run in
      // milliseconds (a facets query spent 5 s of its 5.4 s compiling: RESULTS.md, page open).
      connection: { application_name: 'audit-log-manager', TimeZone: 'UTC', jit: 'off' },
    });
    const db = drizzlePostgres(sql, { schema, logger: options.logger ?? false }) as Database;
    return {
      db,
      driver: 'postgres',
      raw: { driver: 'postgres', sql },
      migrate: () => runMigrations(db),
      close: () => sql.end({ timeout: 5 }),
    };
  }

  const dataDir = options.dataDir ?? './.data';
  // A relative DATA_DIR is relative to where the command was typed: pnpm runs package
  // scripts inside the package but keeps that directory in INIT_CWD.
  const location = dataDir.startsWith('memory://')
    ? dataDir
    : resolve(process.env.INIT_CWD ?? process.cwd(), dataDir, 'pglite');
  let unlock: () => void = () => undefined;
  if (location !== dataDir) {
    mkdirSync(location, { recursive: true });
    unlock = lockDataDir(`${location}.lock`, location);
    try {
      if (!existsSync(join(location, 'PG_VERSION'))) await initPgliteDataDir(location);
    } catch (error) {
      unlock();
      throw error;
    }
  }
  const pglite = await PGlite.create({ dataDir: location, ...PGLITE_OPTIONS }).catch(
    (error: unknown) => {
      unlock();
      throw error;
    },
  );
  await pglite.exec(`SET TimeZone = 'UTC'`);
  const db = drizzlePglite(pglite, { schema, logger: options.logger ?? false }) as Database;
  return {
    db,
    driver: 'pglite',
    raw: { driver: 'pglite', pglite },
    migrate: () => runMigrations(db),
    close: async () => {
      await pglite.close();
      unlock();
    },
  };
}
