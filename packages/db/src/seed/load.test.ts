import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditDb } from '../client';
import { queryRows } from '../sql';
import { createTestDb } from '../testing';
import { loadSeed } from './load';

const end = new Date('2026-06-15T12:00:00.000Z');
const options = { events: 3000, days: 75, tenants: 3, end, seed: 7 };

describe('loadSeed', () => {
  let store: AuditDb;
  beforeAll(async () => {
    store = await createTestDb();
  });
  afterAll(async () => {
    await store.close();
  });

  it('stores exactly the asked events, with their jobs linked, in realistic proportions', async () => {
    const progress: number[] = [];
    const result = await loadSeed(store, options, (done) => progress.push(done));
    expect(result.events).toBe(3000);
    expect(progress.at(-1)).toBe(3000);
    if (store.driver === 'postgres') {
      // April, May and June 2026 did not exist: each was built unindexed, then attached.
      expect(result.attachedMonths).toEqual(['events_p202604', 'events_p202605', 'events_p202606']);
    }

    const [stats] = await queryRows<Record<string, number>>(
      store.db,
      sql`SELECT
            count(*)::int AS total,
            count(DISTINCT tenant)::int AS tenants,
            count(*) FILTER (WHERE status = 'success')::int AS success,
            count(*) FILTER (WHERE status = 'failure')::int AS failure,
            count(*) FILTER (WHERE status IN ('job_scheduled', 'recurring_job_scheduled'))::int AS scheduled,
            count(*) FILTER (WHERE user_ip IS NULL)::int AS no_ip,
            count(*) FILTER (WHERE jsonb_array_length(affected_objects) > 0)::int AS with_objects,
            count(*) FILTER (WHERE changes IS NOT NULL)::int AS with_changes,
            count(*) FILTER (WHERE job_id IS NOT NULL)::int AS with_job,
            count(*) FILTER (WHERE job_id IS NOT NULL
                               AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = events.job_id))::int AS dangling_jobs,
            count(*) FILTER (WHERE occurred_at < ${new Date(end.getTime() - 75 * 86_400_000).toISOString()}::timestamptz
                               OR occurred_at > ${end.toISOString()}::timestamptz)::int AS out_of_range,
            count(DISTINCT user_name)::int AS users,
            count(DISTINCT task_name)::int AS tasks,
            count(DISTINCT application)::int AS applications
          FROM events`,
    );
    expect(stats).toMatchObject({ total: 3000, tenants: 3, dangling_jobs: 0, out_of_range: 0 });
    const share = (n: number | undefined) => (n ?? 0) / 3000;
    expect(share(stats?.success)).toBeGreaterThan(0.75);
    expect(share(stats?.failure)).toBeGreaterThan(0.02);
    expect(share(stats?.failure)).toBeLessThan(0.15);
    expect(share(stats?.scheduled)).toBeGreaterThan(0.02);
    expect(share(stats?.no_ip)).toBeGreaterThan(0.02);
    expect(share(stats?.no_ip)).toBeLessThan(0.6);
    expect(share(stats?.with_objects)).toBeGreaterThan(0.2);
    expect(share(stats?.with_changes)).toBeGreaterThan(0.01);
    expect(share(stats?.with_job)).toBeGreaterThan(0.05);
    expect(stats?.users).toBeGreaterThan(10);
    expect(stats?.tasks).toBeGreaterThan(20);
    expect(stats?.applications).toBeGreaterThanOrEqual(5);

    const [jobs] = await queryRows<{ n: number }>(
      store.db,
      sql`SELECT count(*)::int AS n FROM jobs`,
    );
    expect(jobs?.n).toBe(result.jobs);
  });

  it('leaves loaded partitions with every index and the append-only guard', async () => {
    const indexCounts = await queryRows<{ rel: string; n: number }>(
      store.db,
      sql`SELECT c.relname AS rel, count(x.indexrelid)::int AS n
          FROM pg_class c LEFT JOIN pg_index x ON x.indrelid = c.oid
          WHERE c.relkind IN ('r', 'p') AND (c.relname = 'events' OR c.relname LIKE 'events_p2026%')
          GROUP BY c.relname`,
    );
    const parent = indexCounts.find((r) => r.rel === 'events')?.n;
    expect(parent).toBeGreaterThan(5);
    for (const row of indexCounts) expect(row, row.rel).toEqual({ rel: row.rel, n: parent });

    await expect(
      store.db.execute(sql`UPDATE events SET user_name = 'x' WHERE occurred_at > '2026-05-01'`),
    ).rejects.toThrow();
    await expect(store.db.execute(sql`TRUNCATE events_p202605`)).rejects.toThrow();
  });

  it('adds to months that already hold events', async () => {
    const second = await loadSeed(store, { ...options, events: 500, seed: 8 });
    expect(second.attachedMonths).toEqual([]);
    const [row] = await queryRows<{ n: number }>(
      store.db,
      sql`SELECT count(*)::int AS n FROM events`,
    );
    expect(row?.n).toBe(3500);
  });
});
