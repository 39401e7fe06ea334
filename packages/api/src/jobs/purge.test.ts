import { events, listEventPartitions, queryRows } from '@audit/db';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';

import { readArchivedKeys } from '../archive/archive';
import { expectCountsMatchEvents } from '../testing/counts';
import { expectEventKeysMatchEvents } from '../testing/event-keys';
import { expectSealsIntact } from '../testing/integrity';
import { createTestApp, type Caller, type TestApp } from '../testing/harness';
import { SimulatedCrash } from './runner';

const CUT = '2025-03-15T00:00:00.000Z';

/** Events in January, February, March (both sides of the cut) and April 2025. */
function sampleEvents(perMonth: number, userName = 'svc') {
  const months = ['2025-01', '2025-02', '2025-03', '2025-04'];
  return months.flatMap((month, m) =>
    Array.from({ length: perMonth }, (_, i) => ({
      userName: i % 5 === 0 ? 'alice' : userName,
      taskName: 'site.provision',
      status: 'success' as const,
      // Spread over days 1–28; in March half fall before the 15th.
      occurredAt: `${month}-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.${String(m).padStart(3, '0')}Z`,
      description: `event ${i} of ${month}`,
    })),
  );
}

async function record(
  ingest: Caller,
  list: Parameters<Caller['auditLogs']['record']>[0]['events'],
): Promise<void> {
  for (let i = 0; i < list.length; i += 1000)
    await ingest.auditLogs.record({ events: list.slice(i, i + 1000) });
}

/** id → occurredAt of every stored event that the purge is about (not the service's own). */
async function storedIds(app: TestApp): Promise<Map<string, string>> {
  const rows = await queryRows<{ id: string; at: string }>(
    app.store.db,
    sql`SELECT id::text AS id, (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at
        FROM ${events} WHERE application IS DISTINCT FROM 'audit'`,
  );
  return new Map(rows.map((r) => [r.id, r.at]));
}

async function archivedIds(app: TestApp, fileName: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const batch of readArchivedKeys(join(app.archiveDir, fileName)))
    for (const key of batch) ids.add(key.id);
  return ids;
}

describe('purge', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  async function setup(perMonth = 40) {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'])).caller;
    await record(ingest, sampleEvents(perMonth));
    await app.seal();
    const before = await storedIds(app);
    const expectedGone = [...before]
      .filter(([, at]) => Number(at) < Date.parse(CUT))
      .map(([id]) => id);
    return { ingest, before, expectedGone };
  }

  it('without archive: removes exactly what the preview counted, dropping whole months', async () => {
    const { before, expectedGone } = await setup();
    const preview = await app.admin.purge.preview({ before: CUT });
    expect(preview.count).toBe(expectedGone.length);

    const job = await app.admin.purge.create({ before: CUT, archive: false });
    expect(job).toMatchObject({ type: 'purge', state: 'scheduled', createdBy: 'admin' });
    await app.runJobs();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ state: 'success', percent: 100 });
    expect(done.result).toMatchObject({
      deleted: preview.count,
      droppedPartitions: ['events_p202501', 'events_p202502'],
    });

    const after = await storedIds(app);
    expect([...after.keys()].sort()).toEqual(
      [...before.keys()].filter((id) => !expectedGone.includes(id)).sort(),
    );
    const partitions = (await listEventPartitions(app.store.db)).map((p) => p.name);
    expect(partitions).not.toContain('events_p202501');
    expect(partitions).toContain('events_p202503');

    // Who purged what, how many, which archive: recorded as an event.
    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'purge' },
    });
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({ userName: 'admin', jobId: job.id });
    expect(trail.items[0]?.description).toContain(
      `Purged ${preview.count} events before ${CUT}; not archived`,
    );
    const request = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'purge.create' },
    });
    expect(request.items[0]).toMatchObject({
      userName: 'admin',
      status: 'job_scheduled',
      jobId: job.id,
    });
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, expectedGone.length);
  });

  it('with archive: archives exactly the rows it deletes, verified, before deleting', async () => {
    const { expectedGone } = await setup();
    const job = await app.admin.purge.create({ before: CUT, archive: true, format: 'ndjson' });
    await app.runJobs();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    const archives = await app.admin.exports.list({ kind: 'purge' });
    expect(archives.items).toHaveLength(1);
    const archive = archives.items[0]!;
    expect(archive).toMatchObject({
      rowCount: expectedGone.length,
      jobId: job.id,
      format: 'ndjson',
      kind: 'purge',
    });
    expect(done.result).toMatchObject({
      deleted: expectedGone.length,
      archive: { id: archive.id },
    });
    expect([...(await archivedIds(app, archive.fileName))].sort()).toEqual(
      [...expectedGone].sort(),
    );
    expect((await app.admin.purge.preview({ before: CUT })).count).toBe(0);
    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'purge' },
    });
    expect(trail.items[0]?.description).toContain(`archived in ${archive.fileName}`);
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, expectedGone.length);
  });

  it('archived purge of whole months drops them without reading the archive back', async () => {
    const { before } = await setup(25);
    const monthCut = '2025-03-01T00:00:00.000Z';
    const gone = [...before].filter(([, at]) => Number(at) < Date.parse(monthCut));
    const job = await app.admin.purge.create({ before: monthCut, archive: true });
    const steps: string[] = [];
    const runner = app.runner({
      faults: (at) => {
        steps.push(at);
      },
    });
    expect(await runner.runOnce()).toBe(true);
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('success');
    expect(done.result).toMatchObject({
      deleted: gone.length,
      droppedPartitions: ['events_p202501', 'events_p202502'],
    });
    expect(steps).toContain('partition-dropped');
    expect(steps).not.toContain('batch-deleted');
    expect([...(await storedIds(app)).keys()].sort()).toEqual(
      [...before.keys()].filter((id) => !gone.some(([goneId]) => goneId === id)).sort(),
    );
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, gone.length);
  });

  it('with a filter: only matching rows go, by batches, and no partition is dropped', async () => {
    const { before } = await setup();
    const matching = [...before.keys()].length;
    const preview = await app.admin.purge.preview({ before: CUT, filter: { userName: 'alice' } });
    expect(preview.count).toBeGreaterThan(0);
    expect(preview.count).toBeLessThan(matching);
    await app.admin.purge.create({ before: CUT, filter: { userName: 'alice' }, archive: true });
    await app.runJobs();
    const left = await app.admin.auditLogs.list({
      filter: { userName: 'alice', to: Date.parse(CUT) - 1 },
    });
    expect(left.total).toBe(0);
    expect((await app.admin.purge.preview({ before: CUT })).count).toBe(
      [...before.values()].filter((at) => Number(at) < Date.parse(CUT)).length - preview.count,
    );
    expect((await listEventPartitions(app.store.db)).map((p) => p.name)).toContain(
      'events_p202501',
    );
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, preview.count);
  });

  it('keeps an old-timestamped event recorded while the purge runs', async () => {
    const { ingest } = await setup();
    await app.admin.purge.create({ before: CUT, archive: true });
    let lateId = '';
    await app
      .runner({
        faults: async (point) => {
          if (point !== 'archive-verified' || lateId) return;
          // The archive is written; now a service records an event dated in January.
          const late = await ingest.auditLogs.record({
            events: [
              {
                userName: 'late',
                taskName: 'Login',
                status: 'success',
                occurredAt: '2025-01-20T10:00:00.000Z',
              },
            ],
          });
          lateId = late.events[0]?.id ?? '';
        },
      })
      .runOnce();
    expect(lateId).not.toBe('');
    const left = await app.admin.auditLogs.list({ filter: { to: Date.parse(CUT) - 1 } });
    expect(left.items.map((e) => e.id)).toEqual([lateId]);
    // January could not be dropped whole: its archived rows were deleted one by one.
    expect((await listEventPartitions(app.store.db)).map((p) => p.name)).toContain(
      'events_p202501',
    );
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
  });

  it.each([
    'archive-written',
    'archive-verified',
    'archive-recorded',
    'partition-dropped',
    'batch-deleted',
    'purge-recorded',
  ])(
    'killed at %s: nothing deleted without its archive, and a restart finishes the job',
    async (point) => {
      const { before, expectedGone } = await setup(25);
      const job = await app.admin.purge.create({ before: CUT, archive: true });

      const crashing = app.runner({
        leaseMs: 60_000,
        faults: (at) => {
          if (at === point) throw new SimulatedCrash(at);
        },
      });
      await expect(crashing.runOnce()).rejects.toThrow(SimulatedCrash);

      // The process is dead: whatever is gone must be in an archive that is recorded and complete.
      const stored = await storedIds(app);
      // And the counts say what is left, not what was there.
      await expectCountsMatchEvents(app);
      await expectEventKeysMatchEvents(app);
      const gone = [...before.keys()].filter((id) => !stored.has(id));
      const archives = (await app.admin.exports.list({ kind: 'purge' })).items;
      if (gone.length > 0) {
        expect(archives).toHaveLength(1);
        const archived = await archivedIds(app, archives[0]!.fileName);
        for (const id of gone) expect(archived.has(id)).toBe(true);
      }
      expect((await app.admin.jobs.byId({ id: job.id })).state).toBe('in_progress');

      // Restart after the claim has lapsed: the job is taken up again and finishes.
      app.setNow(new Date(Date.now() + 5 * 60_000));
      const restarted = app.runner();
      expect(await restarted.recoverInterrupted()).toBe(1);
      expect(await restarted.runOnce()).toBe(true);
      const done = await app.admin.jobs.byId({ id: job.id });
      expect(done.state).toBe('success');
      expect([...(await storedIds(app)).keys()].sort()).toEqual(
        [...before.keys()].filter((id) => !expectedGone.includes(id)).sort(),
      );
      const finalArchives = (await app.admin.exports.list({ kind: 'purge' })).items;
      expect(finalArchives).toHaveLength(1);
      // Nothing left behind by the interrupted run: the folder holds the recorded archive only.
      expect(readdirSync(app.archiveDir)).toEqual([finalArchives[0]!.fileName]);
      expect([...(await archivedIds(app, finalArchives[0]!.fileName))].sort()).toEqual(
        [...expectedGone].sort(),
      );
      const trail = await app.admin.auditLogs.list({
        filter: { application: 'audit', taskName: 'purge' },
      });
      expect(trail.total).toBe(1);
      await expectCountsMatchEvents(app);
      await expectEventKeysMatchEvents(app);
      // The run before the crash and the resumed one each signed what they removed.
      await expectSealsIntact(app, expectedGone.length);
    },
  );

  it('cancelled between batches: stops, and every remaining row is intact', async () => {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'])).caller;
    // 12 000 rows in one month, so a filtered purge takes three batches.
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      userName: 'bulk',
      taskName: 'Login',
      status: 'success' as const,
      occurredAt: new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString(),
    }));
    await record(ingest, many);
    await app.seal();
    const job = await app.admin.purge.create({
      before: CUT,
      filter: { userName: 'bulk' },
      archive: false,
    });
    await app
      .runner({
        faults: async (point) => {
          if (point === 'batch-deleted') await app.admin.jobs.cancel({ id: job.id });
        },
      })
      .runOnce();
    const done = await app.admin.jobs.byId({ id: job.id });
    expect(done.state).toBe('canceled');
    expect(done.summary).toBe('Canceled after removing 5,000 events; the rest are intact');
    expect((await app.admin.auditLogs.list({ filter: { userName: 'bulk' } })).total).toBe(7000);
    await expectCountsMatchEvents(app);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, 5000);
  });

  it('refuses a bad search box and a non-admin', async () => {
    app = await createTestApp();
    await expect(
      app.admin.purge.create({ before: CUT, archive: true, filter: { q: 'usr:x' } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const auditor = await app.userWithRole('auditor');
    await expect(auditor.caller.purge.preview({ before: CUT })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await app.admin.jobs.list({ type: 'purge' })).items).toHaveLength(0);
  });
});
