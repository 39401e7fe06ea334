// Several API processes on one PostgreSQL: each has its own pool, as separate processes do.
// On PGlite (one process's own database) the same calls race within one process.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDb, type AuditDb } from './client';
import { insertEvents } from './events';
import { queryRows } from './sql';
import { createEmptyTestDatabase } from './testing';

const url = process.env.DATABASE_URL;
const PROCESSES = 4;

describe('several starts at once on one fresh database', () => {
  let stores: AuditDb[] = [];
  let drop = () => Promise.resolve();

  beforeAll(async () => {
    if (!url) {
      const store = await createDb({ dataDir: 'memory://' });
      stores = Array.from({ length: PROCESSES }, () => store);
      return;
    }
    const database = await createEmptyTestDatabase(url, 'audit_start');
    drop = database.drop;
    stores = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        createDb({ databaseUrl: database.url, maxConnections: 3 }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all([...new Set(stores)].map((store) => store.close()));
    await drop();
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
