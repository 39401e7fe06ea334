import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import { runMigrations } from './migrate';
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
 * Opens the store. Call it once per process: it owns the connection pool (or the
 * embedded database, which only one process may open).
 */
export async function createDb(options: CreateDbOptions = {}): Promise<AuditDb> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => undefined,
      // JIT compiles a plan that the planner costed high: seconds, for queries that run in
      // milliseconds (a facets query spent 5 s of its 5.4 s compiling, issue 12).
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
  if (location !== dataDir) mkdirSync(location, { recursive: true });
  const pglite = await PGlite.create({ dataDir: location });
  await pglite.exec(`SET TimeZone = 'UTC'`);
  const db = drizzlePglite(pglite, { schema, logger: options.logger ?? false }) as Database;
  return {
    db,
    driver: 'pglite',
    raw: { driver: 'pglite', pglite },
    migrate: () => runMigrations(db),
    close: () => pglite.close(),
  };
}
