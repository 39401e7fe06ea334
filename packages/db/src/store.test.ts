import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createDb,
  insertEvents,
  listEventPartitions,
  migrationsFolder,
  queryRows,
  type AuditDb,
  type Database,
  type EventInput,
} from './index';
import { createTestDb } from './testing';

const usingPostgres = Boolean(process.env.DATABASE_URL);

function event(overrides: Partial<EventInput> = {}): EventInput {
  return {
    occurredAt: new Date('2026-03-04T05:06:07.089Z'),
    userName: 'super',
    taskName: 'Login',
    status: 'success',
    ...overrides,
  };
}

/** The partition a stored event landed in. */
async function partitionOf(db: Database, id: string): Promise<string | undefined> {
  const [row] = await queryRows<{ part: string }>(
    db,
    sql`SELECT tableoid::regclass::text AS part FROM events WHERE id = ${id}::bigint`,
  );
  return row?.part;
}

/** The PostgreSQL error under Drizzle's "Failed query" wrapper. */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  throw new Error('expected the statement to fail');
}

/** How many events hold this eventId, across tenants and partitions. */
async function copiesOf(db: Database, eventId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM events WHERE event_id = ${eventId}::uuid`,
  );
  return row?.n ?? -1;
}

describe('event store', () => {
  let store: AuditDb;
  beforeAll(async () => {
    store = await createTestDb();
  });
  afterAll(async () => {
    await store.close();
  });

  it('uses the driver DATABASE_URL asks for', () => {
    expect(store.driver).toBe(usingPostgres ? 'postgres' : 'pglite');
    expect(store.raw.driver).toBe(store.driver);
  });

  it('applies migrations from empty, and a second run changes nothing', async () => {
    const schemaSnapshot = sql`
      SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name) AS cols,
             (SELECT count(*)::int FROM drizzle.__drizzle_migrations) AS applied
      FROM information_schema.columns WHERE table_schema = 'public'`;
    const [before] = await queryRows<{ cols: string; applied: number }>(store.db, schemaSnapshot);
    await store.migrate();
    await store.migrate();
    const [after] = await queryRows<{ cols: string; applied: number }>(store.db, schemaSnapshot);
    expect(before?.applied).toBe(readMigrationFiles({ migrationsFolder }).length);
    expect(after).toEqual(before);
    const tables = await queryRows<{ name: string }>(
      store.db,
      sql`SELECT relname AS name FROM pg_class
          WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace
            AND relname NOT LIKE 'events_p%' ORDER BY relname`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'api_tokens',
      'archives',
      'event_count_deltas',
      'event_counts',
      'event_keys',
      'events',
      'jobs',
      'legal_holds',
      'login_throttle',
      'producer_gaps',
      'producer_seq_deltas',
      'producers',
      'seal_entries',
      'seal_purge_covers',
      'sessions',
      'settings',
      'users',
    ]);
  });

  it('creates the partitions around now ahead of any insert', async () => {
    const names = (await listEventPartitions(store.db)).map((p) => p.name);
    const now = new Date();
    const thisMonth = `events_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(names).toContain(thisMonth);
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  it('lands events at old, current and far-future times in their month partitions', async () => {
    const times = [
      '1971-01-31T23:59:59.999Z',
      '2026-02-01T00:00:00.000Z',
      new Date().toISOString(),
      '2999-12-31T23:59:59.999Z',
    ];
    const stored = await insertEvents(
      store.db,
      times.map((t) => event({ occurredAt: new Date(t) })),
    );
    const parts = await Promise.all(stored.map((s) => partitionOf(store.db, s.id)));
    const expected = times.map((t) => `events_p${t.slice(0, 4)}${t.slice(5, 7)}`);
    expect(parts).toEqual(expected);
    const partitions = await listEventPartitions(store.db);
    const feb = partitions.find((p) => p.name === 'events_p202602');
    expect(feb?.from.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(feb?.to.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('puts a month boundary instant in the later month, whatever the session time zone', async () => {
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL TimeZone = 'America/New_York'`);
      const [stored] = await insertEvents(tx, [
        event({ occurredAt: new Date('2027-03-01T00:00:00.000Z') }),
      ]);
      expect(await partitionOf(tx, stored?.id ?? '')).toBe('events_p202703');
    });
  });

  it('regression: two transactions storing events of the same new month at once both succeed', async () => {
    // The second waited for the first's advisory lock, then missed the partition it had
    // created and failed with "relation … already exists" (migration 0006).
    const at = new Date('1850-06-15T12:00:00.000Z');
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const first = store.db.transaction(async (tx) => {
      await insertEvents(tx, [event({ occurredAt: at, userName: 'first' })]);
      firstInserted();
      // Hold the partition's creation uncommitted while the second one asks for it.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await inserted;
    const second = store.db.transaction((tx) =>
      insertEvents(tx, [event({ occurredAt: at, userName: 'second' })]),
    );
    await Promise.all([first, second]);
    const [row] = await queryRows<{ n: number }>(
      store.db,
      sql`SELECT count(*)::int AS n FROM events_p185006`,
    );
    expect(row?.n).toBe(2);
  });

  it('stores an eventId once, however often it is recorded', async () => {
    const eventId = '730d99ee-78f9-4301-ab2b-7871df61a6d3';
    const retry = event({ eventId, occurredAt: new Date('2013-06-05T17:54:19.265Z') });
    const first = await insertEvents(store.db, [retry, retry]);
    const second = await insertEvents(store.db, [{ ...retry, eventId: eventId.toUpperCase() }]);
    expect(first.map((s) => s.outcome)).toEqual(['created', 'duplicate']);
    expect(second[0]?.outcome).toBe('duplicate');
    expect(second[0]?.id).toBe(first[0]?.id);
    expect(await copiesOf(store.db, eventId)).toBe(1);
  });

  it('regression: a retry without occurredAt was stored again, at the time of the retry', async () => {
    const eventId = '5a3c1f0e-2b7d-4e61-9c0a-7d1e2f3a4b5c';
    const { occurredAt: _time, ...untimed } = event({ eventId, userName: 'untimed' });
    const first = await insertEvents(store.db, [untimed], new Date('2026-11-30T23:59:59.900Z'));
    // A month later (another partition) the same eventId comes again, still without a time.
    const retry = await insertEvents(store.db, [untimed], new Date('2026-12-01T00:00:01.000Z'));
    expect(first[0]?.outcome).toBe('created');
    expect(retry[0]).toMatchObject({
      outcome: 'duplicate',
      id: first[0]?.id,
      occurredAt: new Date('2026-11-30T23:59:59.900Z'),
    });
    expect(await copiesOf(store.db, eventId)).toBe(1);
  });

  it('reports, and does not store, an eventId reused with another time or other content', async () => {
    const eventId = '0f6c2a8e-9d4b-4c3a-8e7f-1a2b3c4d5e6f';
    const original = event({ eventId, occurredAt: new Date('2019-02-03T04:05:06.007Z') });
    const [stored] = await insertEvents(store.db, [original]);
    const answers = await insertEvents(store.db, [
      { ...original, occurredAt: new Date('2019-07-03T04:05:06.007Z') },
      { ...original, userName: 'someone-else' },
      { ...original, metadata: { extra: 1 } },
      original,
    ]);
    expect(answers.map((a) => a.outcome)).toEqual([
      'conflict',
      'conflict',
      'conflict',
      'duplicate',
    ]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ id: stored?.id, occurredAt: original.occurredAt });
    }
    expect(await copiesOf(store.db, eventId)).toBe(1);
  });

  it('stores one of two sessions recording the same eventId at two times at once', async () => {
    const eventId = '9e8d7c6b-5a49-4382-9170-a1b2c3d4e5f6';
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const first = store.db.transaction(async (tx) => {
      const answer = await insertEvents(tx, [
        event({ eventId, occurredAt: new Date('2024-01-31T23:59:59.999Z') }),
      ]);
      firstInserted();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return answer;
    });
    await inserted;
    // The second waits for the first's key, then finds it taken.
    const second = store.db.transaction((tx) =>
      insertEvents(tx, [event({ eventId, occurredAt: new Date('2024-02-01T00:00:00.000Z') })]),
    );
    const [a, b] = await Promise.all([first, second]);
    expect([a[0]?.outcome, b[0]?.outcome]).toEqual(['created', 'conflict']);
    expect(await copiesOf(store.db, eventId)).toBe(1);
  });

  it('migration 0009 gives each stored eventId its key, the earliest copy holding it', async () => {
    // Before it, a retry at another time was a second row: such copies stay, keyed once.
    const scratch = await createTestDb();
    try {
      const migration = readMigrationFiles({ migrationsFolder }).find((m) =>
        m.sql.some((statement) => statement.includes('CREATE TABLE "event_keys"')),
      );
      if (!migration) throw new Error('no migration creates event_keys');
      await scratch.db.execute(sql`DROP TABLE event_keys`);
      await scratch.db.execute(
        sql`SELECT audit_ensure_event_partitions('2026-10-01', '2026-11-01')`,
      );
      const eventId = '11111111-2222-4333-8444-555555555555';
      await scratch.db.execute(
        sql`INSERT INTO events (event_id, tenant, occurred_at, user_name, task_name, status)
            VALUES (${eventId}, 'default', '2026-11-30T10:00:00Z', 'u', 'Login', 'success'),
                   (${eventId}, 'default', '2026-10-30T10:00:00Z', 'u', 'Login', 'success'),
                   (${eventId}, 'other', '2026-11-02T10:00:00Z', 'u', 'Login', 'success'),
                   (gen_random_uuid(), 'default', '2026-11-02T10:00:00Z', 'u', 'Login', 'success')`,
      );
      for (const statement of migration.sql) await scratch.db.execute(sql.raw(statement));
      const keys = await queryRows<{ tenant: string; occurred_at: string }>(
        scratch.db,
        sql`SELECT tenant, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS occurred_at
            FROM event_keys WHERE event_id = ${eventId}::uuid ORDER BY tenant`,
      );
      expect(keys).toEqual([
        { tenant: 'default', occurred_at: '2026-10-30' },
        { tenant: 'other', occurred_at: '2026-11-02' },
      ]);
      const [all] = await queryRows<{ n: number }>(
        scratch.db,
        sql`SELECT count(*)::int AS n FROM event_keys`,
      );
      expect(all?.n).toBe(3);
      // And the copies are recognised: a retry is reported as the first one.
      const [retry] = await insertEvents(scratch.db, [
        event({ eventId, userName: 'u', occurredAt: new Date('2026-10-30T10:00:00Z') }),
      ]);
      expect(retry?.outcome).toBe('duplicate');
    } finally {
      await scratch.close();
    }
  });

  it('refuses to update or delete event keys outside a purge', async () => {
    expect(await failureOf(store.db.execute(sql`DELETE FROM event_keys`))).toMatch(
      /append-only: DELETE/,
    );
    expect(
      await failureOf(store.db.execute(sql`UPDATE event_keys SET occurred_at = now()`)),
    ).toMatch(/append-only: UPDATE/);
  });

  it('keeps eventIds apart by tenant', async () => {
    const eventId = '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';
    const [a] = await insertEvents(store.db, [event({ eventId, tenant: 'tenant-a' })]);
    const [b] = await insertEvents(store.db, [event({ eventId, tenant: 'tenant-b' })]);
    expect([a?.outcome, b?.outcome]).toEqual(['created', 'created']);
    expect(await copiesOf(store.db, eventId)).toBe(2);
  });

  it('round-trips every field', async () => {
    const full: EventInput = {
      eventId: 'a39fdb1d-a0f2-444b-b79a-ada13cf0dc0b',
      tenant: 'acme-corp',
      occurredAt: new Date('2011-08-29T04:42:27.123Z'),
      userName: 'super',
      userIp: '2001:db8::7',
      userAgent: 'Mozilla/5.0',
      domain: 'Global',
      application: 'REST',
      workspace: 'Devices',
      systemId: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      taskName: 'POST: /api/space/device-management/discover-devices',
      objectType: 'device',
      objectName: 'srx-branch-014',
      status: 'job_scheduled',
      resultCode: '202',
      description: 'Job: Device discover scheduled',
      jobId: '196608',
      affectedObjects: [{ type: 'device', name: 'srx-branch-014', id: '42', detail: 'discovered' }],
      changes: {
        format: 'text',
        before: 'set system host-name a',
        after: 'set system host-name b',
      },
      metadata: { requestId: 'r-1', nested: { ok: true } },
    };
    const [stored] = await insertEvents(store.db, [full]);
    const row = await store.db.query.events.findFirst({
      where: (e, { eq }) => eq(e.id, stored?.id ?? ''),
    });
    expect(row).toMatchObject({ ...full, id: stored?.id });
    expect(row?.recordedAt).toBeInstanceOf(Date);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events', async () => {
    await insertEvents(store.db, [event()]);
    expect(await failureOf(store.db.execute(sql`UPDATE events SET user_name = 'mallory'`))).toMatch(
      /append-only: UPDATE/,
    );
    expect(await failureOf(store.db.execute(sql`DELETE FROM events`))).toMatch(
      /append-only: DELETE/,
    );
    expect(await failureOf(store.db.execute(sql`TRUNCATE events`))).toMatch(
      /append-only: TRUNCATE/,
    );
    expect(await failureOf(store.db.execute(sql`TRUNCATE events_p202603`))).toMatch(
      /append-only: TRUNCATE/,
    );
  });

  it('allows DELETE only inside a transaction that opted in (the purge path)', async () => {
    const [stored] = await insertEvents(store.db, [
      event({ occurredAt: new Date('2020-05-05T00:00:00Z') }),
    ]);
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL audit.allow_delete = 'on'`);
      await tx.execute(sql`DELETE FROM events WHERE id = ${stored?.id ?? ''}::bigint`);
    });
    expect(await partitionOf(store.db, stored?.id ?? '')).toBeUndefined();
    // The opt-in ends with its transaction.
    expect(await failureOf(store.db.execute(sql`DELETE FROM events`))).toMatch(/append-only/);
  });
});

describe('createDb', () => {
  it('keeps PGlite data under DATA_DIR across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-db-'));
    try {
      const first = await createDb({ dataDir });
      expect(first.driver).toBe('pglite');
      await first.migrate();
      await insertEvents(first.db, [event({ userName: 'persisted' })]);
      await first.close();

      const second = await createDb({ dataDir });
      await second.migrate();
      const rows = await second.db.query.events.findMany();
      expect(rows.map((r) => r.userName)).toEqual(['persisted']);
      // Open, the directory is refused to anyone else: two PGlites on it would corrupt it.
      await expect(createDb({ dataDir })).rejects.toThrow(
        /in use by process \d+: PGlite serves one process/,
      );
      await second.close();
      // A lock left by a process that is gone is taken over.
      writeFileSync(join(dataDir, 'pglite.lock'), '2147483646');
      const third = await createDb({ dataDir });
      expect(await third.db.query.events.findMany()).toHaveLength(1);
      await third.close();
      expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
      // One left with this very pid (a container's server restarted as the same pid 1).
      writeFileSync(join(dataDir, 'pglite.lock'), String(process.pid));
      const fourth = await createDb({ dataDir });
      await fourth.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Four PGlite starts on disk, migrating once: over 60 s on a loaded 2-core machine.
  }, 180_000);
});
