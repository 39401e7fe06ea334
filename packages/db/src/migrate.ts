import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';

import type { Database } from './client';
import { ensureEventPartitions } from './partitions';
import { queryRows } from './sql';

/**
 * Set only in the server bundle (packages/api/build.mjs), which carries a copy of the
 * migrations beside itself: there, `import.meta.url` is the bundle's, not this file's.
 */
declare const AUDIT_BUNDLED_MIGRATIONS: string | undefined;

export const migrationsFolder = fileURLToPath(
  typeof AUDIT_BUNDLED_MIGRATIONS === 'string'
    ? new URL(AUDIT_BUNDLED_MIGRATIONS, import.meta.url)
    : new URL('../migrations', import.meta.url),
);

// Any constant will do; it only has to be the same in every process.
const MIGRATION_LOCK = 7_412_003_001;

/**
 * Drizzle's migrator, plus an advisory lock so that several API processes starting at once
 * apply each migration exactly once. Same journal table as drizzle-kit's
 * (`drizzle.__drizzle_migrations`), so its tooling keeps working.
 */
export async function runMigrations(db: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS drizzle`);
    await tx.execute(sql`
      CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
        id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint
      )`);
    const [last] = await queryRows<{ created_at: string }>(
      tx,
      sql`SELECT created_at::text FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
    );
    const appliedUpTo = last ? Number(last.created_at) : -1;
    for (const migration of migrations) {
      if (migration.folderMillis <= appliedUpTo) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at)
            VALUES (${migration.hash}, ${migration.folderMillis})`,
      );
    }
  });
  // Create ahead: last month to three months on, so ordinary inserts never create DDL.
  const now = new Date();
  await ensureEventPartitions(
    db,
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)),
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1)),
  );
}

/** How many of the migrations this code ships are not applied to the database yet. */
export async function pendingMigrations(db: Database): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const [journal] = await queryRows<{ exists: boolean }>(
    db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS exists`,
  );
  if (!journal?.exists) return migrations.length;
  const [last] = await queryRows<{ created_at: string | null }>(
    db,
    sql`SELECT max(created_at)::text AS created_at FROM drizzle.__drizzle_migrations`,
  );
  const appliedUpTo = last?.created_at ? Number(last.created_at) : -1;
  return migrations.filter((migration) => migration.folderMillis > appliedUpTo).length;
}
