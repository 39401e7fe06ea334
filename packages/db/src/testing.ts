import postgres from 'postgres';

import { createDb, type AuditDb } from './client';

/**
 * A new, empty database (no migrations) on the PostgreSQL server `serverUrl` points at,
 * for a test that starts its own processes on it; `drop()` removes it.
 */
export async function createEmptyTestDatabase(
  serverUrl: string,
  prefix = 'audit_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL that
 * DATABASE_URL points at (dropped on close), or an in-memory PGlite when it is unset.
 */
export async function createTestDb(): Promise<AuditDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const store = await createDb({ dataDir: 'memory://' });
    await store.migrate();
    return store;
  }
  const database = await createEmptyTestDatabase(serverUrl);
  const store = await createDb({ databaseUrl: database.url, maxConnections: 6 });
  await store.migrate();
  return {
    ...store,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}
