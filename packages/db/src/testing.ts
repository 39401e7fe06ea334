import postgres from 'postgres';

import { createDb, type AuditDb } from './client';

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL that
 * DATABASE_URL points at (dropped on close), or an in-memory PGlite when it is unset.
 */
export async function createTestDb(): Promise<AuditDb> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const store = await createDb({ dataDir: 'memory://' });
    await store.migrate();
    return store;
  }

  const name = `audit_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const store = await createDb({ databaseUrl: testUrl.toString(), maxConnections: 6 });
  await store.migrate();
  return {
    ...store,
    close: async () => {
      await store.close();
      const dropper = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
