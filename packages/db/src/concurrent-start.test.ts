// Several API processes on one PostgreSQL: each has its own pool, as separate processes do.
// On PGlite (one process's own database) the same calls race within one process.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDb, type AuditDb } from './client';
import { insertEvents } from './events';
import { queryRows } from './sql';

const url = process.env.DATABASE_URL;
const PROCESSES = 4;

describe('several starts at once on one fresh database', () => {
  const name = `audit_start_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let stores: AuditDb[] = [];

  beforeAll(async () => {
    if (!url) {
      const store = await createDb({ dataDir: 'memory://' });
      stores = Array.from({ length: PROCESSES }, () => store);
      return;
    }
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    stores = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        createDb({ databaseUrl: dbUrl.toString(), maxConnections: 3 }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all([...new Set(stores)].map((store) => store.close()));
    if (!url) return;
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('regression: all start at once (each migrating), then insert across a month boundary, with no error and no event lost', async () => {
    await Promise.all(stores.map((store) => store.migrate()));
    // Months no start created: the first events of each month race to create its partition.
    const boundaries = ['2031-01-31T23:59:59.999Z', '2031-02-01T00:00:00.000Z'];
    const perProcess = 200;
    await Promise.all(
      stores.map((store, p) =>
        Promise.all(
          Array.from({ length: perProcess / 20 }, (_, batch) =>
            insertEvents(
              store.db,
              Array.from({ length: 20 }, (_, i) => ({
                userName: `p${p}`,
                taskName: 't',
                status: 'success' as const,
                occurredAt: new Date(boundaries[(batch + i) % 2] as string),
              })),
            ),
          ),
        ),
      ),
    );
    const [row] = await queryRows<{ n: number; months: number }>(
      stores[0]!.db,
      sql`SELECT count(*)::int AS n, count(DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC'))::int AS months FROM events`,
    );
    expect(row).toEqual({ n: PROCESSES * perProcess, months: 2 });
  });
});
