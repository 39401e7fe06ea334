import { events, listEventPartitions, queryRows } from '@audit/db';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';

import { readArchivedKeys } from '../archive/archive';
import { expectCountsMatchEvents } from '../testing/counts';
import { expectEventKeysMatchEvents } from '../testing/event-keys';
import { ADMIN_PASSWORD, createTestApp, type Caller, type TestApp } from '../testing/harness';

/** Legal holds against purge and retention: what a hold matches is never deleted. */

const CUT = '2025-03-15T00:00:00.000Z';
type EventInput = Parameters<Caller['auditLogs']['record']>[0]['events'][number];

/** `perMonth` events of `svc` in each of January–April 2025 (March on both sides of the cut). */
function sampleEvents(perMonth: number): EventInput[] {
  return ['2025-01', '2025-02', '2025-03', '2025-04'].flatMap((month) =>
    Array.from({ length: perMonth }, (_, i) => ({
      userName: 'svc',
      taskName: 'site.provision',
      status: 'success' as const,
      occurredAt: `${month}-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
      description: `event ${i} of ${month}`,
    })),
  );
}

/** The events a hold on `userName: keeper` keeps: two in January, one in March before the cut. */
const KEEPER_TIMES = [
  '2025-01-10T08:00:00.000Z',
  '2025-01-20T09:00:00.000Z',
  '2025-03-02T10:00:00.000Z',
];
const keeperEvents = (): EventInput[] =>
  KEEPER_TIMES.map((occurredAt) => ({
    userName: 'keeper',
    taskName: 'Login',
    status: 'success' as const,
    occurredAt,
  }));

async function record(ingest: Caller, list: EventInput[]): Promise<void> {
  for (let i = 0; i < list.length; i += 1000)
    await ingest.auditLogs.record({ events: list.slice(i, i + 1000) });
}

/** id → epoch ms of every stored event but the service's own. */
async function storedIds(app: TestApp): Promise<Map<string, number>> {
  const rows = await queryRows<{ id: string; at: string }>(
    app.store.db,
    sql`SELECT id::text AS id, (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at
        FROM ${events} WHERE application IS DISTINCT FROM 'audit'`,
  );
  return new Map(rows.map((r) => [r.id, Number(r.at)]));
}

async function idsOf(app: TestApp, userName: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    app.store.db,
    sql`SELECT id::text AS id FROM ${events} WHERE user_name = ${userName} ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

async function archivedIds(app: TestApp, fileName: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const batch of readArchivedKeys(join(app.archiveDir, fileName)))
    for (const key of batch) ids.push(key.id);
  return ids.sort();
}

async function partitionNames(app: TestApp): Promise<string[]> {
  return (await listEventPartitions(app.store.db)).map((p) => p.name);
}

describe('legal holds against purge', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  /** Sample events plus the keeper's, and a hold on the keeper. */
  async function setup() {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'])).caller;
    await record(ingest, [...sampleEvents(20), ...keeperEvents()]);
    const hold = await app.admin.holds.create({
      name: 'Keeper matter',
      reason: 'litigation',
      filter: { userName: 'keeper' },
    });
    const before = await storedIds(app);
    const keepers = await idsOf(app, 'keeper');
    const expectedGone = [...before]
      .filter(([id, at]) => at < Date.parse(CUT) && !keepers.includes(id))
      .map(([id]) => id)
      .sort();
    return { ingest, hold, before, keepers, expectedGone };
  }

  it('without archive: held events survive, the preview and the result say how many, a month holding one is not dropped', async () => {
    const { before, keepers, expectedGone } = await setup();
    expect(keepers).toHaveLength(3);
    const preview = await app.admin.purge.preview({ before: CUT });
    expect(preview).toMatchObject({ count: expectedGone.length, held: 3 });

    const job = await app.admin.purge.create({ before: CUT, archive: false });
    await app.runJobs();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    expect(done.result).toMatchObject({
      deleted: expectedGone.length,
      kept: 3,
      // January holds two of the keeper's events: its other rows went one by one.
      droppedPartitions: ['events_p202502'],
    });
    expect(done.summary).toContain('kept 3 under legal hold');

    const after = await storedIds(app);
    expect([...after.keys()].sort()).toEqual(
      [...before.keys()].filter((id) => !expectedGone.includes(id)).sort(),
    );
    for (const id of keepers) expect(after.has(id)).toBe(true);
    expect(await partitionNames(app)).toContain('events_p202501');
    expect(await partitionNames(app)).not.toContain('events_p202502');
    // Only the keeper's rows are left in January.
    const january = await queryRows<{ user: string }>(
      app.store.db,
      sql`SELECT DISTINCT user_name AS user FROM events_p202501`,
    );
    expect(january).toEqual([{ user: 'keeper' }]);

    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'purge' },
    });
    expect(trail.items[0]?.description).toContain('kept 3 under legal hold');
    expect(trail.items[0]?.metadata).toMatchObject({ kept: 3 });
    expect(await app.admin.purge.preview({ before: CUT })).toMatchObject({ count: 0, held: 3 });
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it('with archive: the archive holds exactly what was deleted, nothing held', async () => {
    const { keepers, expectedGone } = await setup();
    const job = await app.admin.purge.create({ before: CUT, archive: true, format: 'ndjson' });
    await app.runJobs();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    expect(done.result).toMatchObject({
      deleted: expectedGone.length,
      kept: 3,
      droppedPartitions: ['events_p202502'],
    });
    const [archive] = (await app.admin.exports.list({ kind: 'purge' })).items;
    expect(archive?.rowCount).toBe(expectedGone.length);
    const archived = await archivedIds(app, archive!.fileName);
    expect(archived).toEqual(expectedGone);
    for (const id of keepers) expect(archived).not.toContain(id);
    expect(await idsOf(app, 'keeper')).toEqual(keepers);
    expect(await partitionNames(app)).toContain('events_p202501');
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it('a released hold no longer protects: the next purge removes its events and drops the month', async () => {
    const { hold } = await setup();
    await app.admin.purge.create({ before: CUT, archive: false });
    await app.runJobs();
    expect(await idsOf(app, 'keeper')).toHaveLength(3);

    await app.admin.holds.release({ id: hold.id });
    expect(await app.admin.purge.preview({ before: CUT })).toMatchObject({ count: 3, held: 0 });
    const job = await app.admin.purge.create({ before: CUT, archive: false });
    await app.runJobs();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.result).toMatchObject({
      deleted: 3,
      kept: 0,
      droppedPartitions: ['events_p202501'],
    });
    expect(await idsOf(app, 'keeper')).toEqual([]);
    expect(await partitionNames(app)).not.toContain('events_p202501');
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it('a filtered purge keeps the held events it matches', async () => {
    const { keepers } = await setup();
    const filter = { userName: ['keeper', 'svc'] };
    const preview = await app.admin.purge.preview({ before: CUT, filter });
    expect(preview.held).toBe(3);
    await app.admin.purge.create({ before: CUT, filter, archive: true });
    await app.runJobs();
    expect(await idsOf(app, 'keeper')).toEqual(keepers);
    expect((await app.admin.purge.preview({ before: CUT, filter })).count).toBe(0);
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it('a hold placed after the archive was written keeps its events, and their month whole', async () => {
    const { ingest: _ingest, hold } = await setup();
    await app.admin.holds.release({ id: hold.id });
    const keepers = await idsOf(app, 'keeper');
    const job = await app.admin.purge.create({ before: CUT, archive: true });
    let placed = false;
    await app
      .runner({
        faults: async (point) => {
          if (point !== 'archive-recorded' || placed) return;
          placed = true;
          // January's count now equals what was archived from it: only the hold stops the drop.
          await app.admin.holds.create({
            name: 'late matter',
            reason: 'placed mid-purge',
            filter: { userName: 'keeper' },
          });
        },
      })
      .runOnce();
    expect(placed).toBe(true);
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    expect(done.result).toMatchObject({ kept: 3, droppedPartitions: ['events_p202502'] });
    expect(await idsOf(app, 'keeper')).toEqual(keepers);
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it('a hold placed between two delete batches of a running purge protects what is left', async () => {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'])).caller;
    // 12 000 rows before the cut: a filtered purge deletes them in three batches of 5 000.
    await record(
      ingest,
      Array.from({ length: 12_000 }, (_, i) => ({
        userName: 'bulk',
        taskName: 'Login',
        status: 'success' as const,
        occurredAt: new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString(),
      })),
    );
    const job = await app.admin.purge.create({
      before: CUT,
      filter: { userName: 'bulk' },
      archive: false,
    });
    let batches = 0;
    await app
      .runner({
        faults: async (point) => {
          if (point !== 'batch-deleted') return;
          batches++;
          if (batches === 1) {
            await app.admin.holds.create({
              name: 'bulk matter',
              reason: 'placed mid-purge',
              filter: { userName: 'bulk' },
            });
          }
        },
      })
      .runOnce();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    expect(batches).toBe(1);
    expect(done.result).toMatchObject({ deleted: 5000, kept: 7000 });
    expect((await idsOf(app, 'bulk')).length).toBe(7000);
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it(
    process.env.DATABASE_URL
      ? 'placing a hold waits for a deleting transaction that has read the holds (PostgreSQL)'
      : 'placing a hold while a deleting transaction runs: PostgreSQL only (PGlite runs one transaction at a time, so neither can wait for the other)',
    async () => {
      app = await createTestApp();
      if (!process.env.DATABASE_URL) {
        expect(app.store.raw.driver).toBe('pglite');
        return;
      }
      const ingest = (await app.token(['ingest'])).caller;
      await record(
        ingest,
        Array.from({ length: 7000 }, (_, i) => ({
          userName: 'bulk',
          taskName: 'Login',
          status: 'success' as const,
          occurredAt: new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString(),
        })),
      );
      await app.admin.purge.create({ before: CUT, filter: { userName: 'bulk' }, archive: false });
      let placing: Promise<unknown> | undefined;
      let first: 'placed' | 'waiting' | undefined;
      await app
        .runner({
          faults: async (point) => {
            if (point !== 'holds-read' || placing) return;
            // Inside the first deleting transaction: it has read the holds (none), and not
            // yet deleted. The hold must wait for it, not slip in between.
            placing = app.admin.holds.create({
              name: 'racing matter',
              reason: 'placed while a batch is being deleted',
              filter: { userName: 'bulk' },
            });
            // Whichever comes first: the hold placed, or its session seen waiting for the lock.
            const race = { settled: false };
            first = await Promise.race([
              placing.then(() => 'placed' as const),
              (async () => {
                while (!race.settled && !(await advisoryLockAwaited(app))) {
                  await new Promise((resolve) => setTimeout(resolve, 5));
                }
                return 'waiting' as const;
              })(),
            ]).finally(() => {
              race.settled = true;
            });
          },
        })
        .runOnce();
      await placing;
      expect(first).toBe('waiting');
      // The batch under way deleted before the hold existed; the next one kept the rest.
      expect((await idsOf(app, 'bulk')).length).toBe(2000);
      await expectCountsMatchEvents(app);
      await expectEventKeysMatchEvents(app);
    },
  );

  it('a hold on a nullable field does not keep the events where that field is NULL', async () => {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'])).caller;
    await record(ingest, [
      { userName: 'a', taskName: 'Login', status: 'success', occurredAt: '2025-02-01T00:00:00Z' },
      {
        userName: 'b',
        taskName: 'Login',
        status: 'success',
        occurredAt: '2025-02-02T00:00:00Z',
        domain: 'corp',
      },
      {
        userName: 'c',
        taskName: 'Login',
        status: 'success',
        occurredAt: '2025-02-03T00:00:00Z',
        domain: 'lab',
      },
    ]);
    // `domain IN ('corp')` is NULL where domain is: NOT of it would keep user a's event too.
    await app.admin.holds.create({ name: 'corp', reason: 'x', filter: { domain: 'corp' } });
    expect(await app.admin.purge.preview({ before: CUT })).toMatchObject({ count: 2, held: 1 });
    await app.admin.purge.create({ before: CUT, archive: false });
    await app.runJobs();
    const left = await app.admin.auditLogs.list({ filter: { to: Date.parse(CUT) - 1 } });
    expect(left.items.map((e) => e.userName)).toEqual(['b']);
  });
});

describe('legal holds against retention', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it.each([true, false])('retention (archive %s) keeps held events', async (archive) => {
    const start = new Date('2025-06-10T12:00:00.000Z');
    app = await createTestApp({ now: start });
    const ingest = (await app.token(['ingest'])).caller;
    await record(ingest, [...sampleEvents(10), ...keeperEvents()]);
    await app.admin.holds.create({
      name: 'Keeper matter',
      reason: 'litigation',
      filter: { q: 'user:keeper' },
    });
    const keepers = await idsOf(app, 'keeper');
    // 30 days: everything recorded (January–April 2025) is older than the cut.
    const settings = await app.admin.retention.set({ days: 30, archive });
    const run = settings.nextRun!;
    app.setNow(new Date(run.scheduledAt));
    // Sessions expire after 12 idle hours: sign in again at the new time.
    const admin = await app.signIn('admin', ADMIN_PASSWORD);
    await app.runJobs();
    const done = await admin.jobs.byId({ id: run.id });
    expect(done.state).toBe('success');
    expect(done.result).toMatchObject({
      deleted: 40,
      kept: 3,
      // January and March hold the keeper's events; February and April go whole.
      droppedPartitions: ['events_p202502', 'events_p202504'],
    });
    expect([...(await storedIds(app)).keys()].sort()).toEqual([...keepers].sort());
    if (archive) {
      const [archived] = (await admin.exports.list({ kind: 'purge' })).items;
      expect(archived?.rowCount).toBe(40);
      for (const id of await archivedIds(app, archived!.fileName))
        expect(keepers).not.toContain(id);
    }
    await expectCountsMatchEvents(app, admin);
    await expectEventKeysMatchEvents(app);
  });
});

/** Whether some session waits for an advisory lock (placing a hold, behind a delete). */
async function advisoryLockAwaited(app: TestApp): Promise<boolean> {
  const rows = await queryRows<{ n: number }>(
    app.store.db,
    sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
  );
  return (rows[0]?.n ?? 0) > 0;
}
