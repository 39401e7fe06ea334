import { jobs } from '@audit/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectCountsMatchEvents } from '../testing/counts';
import { ensureRetentionJob } from './retention';
import { expectEventKeysMatchEvents } from '../testing/event-keys';
import { expectSealsIntact } from '../testing/integrity';
import { ADMIN_PASSWORD, createTestApp, type Caller, type TestApp } from '../testing/harness';

const DAY = 86_400_000;

describe('retention', () => {
  let app: TestApp;
  let admin: Caller;
  /** Moves the clock; sessions expire after 12 idle hours, so sign in again. */
  async function travelTo(iso: string) {
    app.setNow(new Date(iso));
    admin = await app.signIn('admin', ADMIN_PASSWORD);
  }
  const start = new Date('2026-06-10T12:00:00.000Z');

  beforeAll(async () => {
    app = await createTestApp({ now: start });
    admin = app.admin;
    await ensureRetentionJob(app.store.db, start); // as the server's start does
  });
  afterAll(() => app.close());

  it('defaults to 90 days with archive, on a daily job at 03:00 UTC', async () => {
    const retention = await admin.retention.get();
    expect(retention).toMatchObject({ days: 90, archive: true, lastRun: null });
    expect(retention.nextRun).toMatchObject({
      type: 'retention',
      state: 'scheduled',
      scheduledAt: '2026-06-11T03:00:00.000Z',
      recurrence: { interval: 'P1D' },
    });
    // Asking again does not schedule a second one.
    expect((await admin.retention.get()).nextRun?.id).toBe(retention.nextRun?.id);
  });

  it('regression: retention.get scheduled a run; reading schedules nothing, saving does', async () => {
    const scheduled = (await admin.retention.get()).nextRun!;
    await admin.jobs.cancel({ id: scheduled.id });
    expect((await admin.retention.get()).nextRun).toBeNull();
    expect((await admin.retention.get()).nextRun).toBeNull();
    const again = await admin.retention.set({ days: 90, archive: true });
    expect(again.nextRun).toMatchObject({
      state: 'scheduled',
      scheduledAt: '2026-06-11T03:00:00.000Z',
    });
    expect(again.nextRun?.id).not.toBe(scheduled.id);
  });

  it('refuses bad settings with the field named, and records a change', async () => {
    await expect(admin.retention.set({ days: 0, archive: true })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'days: must be at least 1',
    });
    const set = await admin.retention.set({ days: 30, archive: false });
    expect(set).toMatchObject({ days: 30, archive: false });
    const trail = await admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'retention.set' },
    });
    // Another test saved the settings at the same (frozen) instant: look for this one's record.
    expect(trail.items.map((e) => e.description)).toContain('Retention 90 → 30 days, archive off');
  });

  it('each daily run removes what is older than the setting, and schedules the next', async () => {
    const ingest = (await app.token(['ingest'])).caller;
    const at = (daysAgo: number) => new Date(start.getTime() - daysAgo * DAY).toISOString();
    await ingest.auditLogs.record({
      events: [40, 35, 31, 29, 5].map((daysAgo) => ({
        userName: 'old-and-new',
        taskName: 'tenant.update',
        status: 'success' as const,
        occurredAt: at(daysAgo),
      })),
    });
    await app.seal();
    const first = (await admin.retention.get()).nextRun!;

    await travelTo('2026-06-11T03:00:05.000Z'); // the job is due
    await app.runJobs();
    const ran = await admin.jobs.byId({ id: first.id });
    expect(ran.state).toBe('success');
    // Cut = run time − 30 days: 2026-05-12T03:00:05Z. 40, 35 and 31 days before 10 June go.
    expect(ran.result).toMatchObject({
      deleted: 3,
      before: '2026-05-12T03:00:05.000Z',
      archive: null,
    });
    const left = await admin.auditLogs.list({ filter: { userName: 'old-and-new' } });
    expect(left.items.map((e) => e.occurredAt).sort()).toEqual([at(29), at(5)].sort());

    const after = await admin.retention.get();
    expect(after.lastRun?.id).toBe(first.id);
    expect(after.nextRun).toMatchObject({
      state: 'scheduled',
      scheduledAt: '2026-06-12T03:00:00.000Z',
      recurrence: { interval: 'P1D' },
    });
    const listed = await admin.jobs.list({ type: 'retention' });
    expect(listed.items.map((j) => j.state)).toEqual(['scheduled', 'success', 'canceled']);
    await expectCountsMatchEvents(app, admin);
    await expectEventKeysMatchEvents(app);
    await expectSealsIntact(app, 3);
  });

  it('archives first when the setting says so', async () => {
    await admin.retention.set({ days: 7, archive: true });
    await travelTo('2026-06-12T03:00:01.000Z');
    await app.runJobs();
    const run = (await admin.retention.get()).lastRun!;
    expect(run.state).toBe('success');
    expect(run.result).toMatchObject({ deleted: 1 });
    const archive = (await admin.exports.list({ kind: 'purge' })).items.find(
      (a) => a.jobId === run.id,
    );
    expect(archive).toMatchObject({ rowCount: 1, kind: 'purge' });
    await expectCountsMatchEvents(app, admin);
    await expectEventKeysMatchEvents(app);
  });

  it('a run left in progress by a dead process is resumed, then failed after three tries', async () => {
    const [job] = await app.store.db
      .insert(jobs)
      .values({
        name: 'stuck',
        type: 'export',
        state: 'in_progress',
        createdBy: 'test',
        attempts: 3,
        lockedBy: 'dead',
        lockedUntil: new Date('2026-06-12T03:00:00Z'),
        params: { filter: {}, format: 'csv', timeZone: 'UTC', tenantScope: null },
      })
      .returning();
    const [retry] = await app.store.db
      .insert(jobs)
      .values({
        name: 'retry me',
        type: 'export',
        state: 'in_progress',
        createdBy: 'test',
        attempts: 1,
        lockedBy: 'dead',
        lockedUntil: new Date('2026-06-12T03:00:00Z'),
        params: { filter: {}, format: 'csv', timeZone: 'UTC', tenantScope: null },
      })
      .returning();
    await travelTo('2026-06-12T04:00:00.000Z');
    expect(await app.runner().recoverInterrupted()).toBe(2);
    const [failed] = await app.store.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(failed).toMatchObject({ state: 'failure', error: 'interrupted 3 times; giving up' });
    await app.runJobs();
    expect((await admin.jobs.byId({ id: retry!.id })).state).toBe('success');
  });
  it('regression: a resumed daily run shifted the schedule to the hour it resumed at', async () => {
    const pending = (await admin.retention.get()).nextRun!;
    // A process claimed it at its time and died; another recovers it an hour and more later.
    await app.store.db
      .update(jobs)
      .set({
        state: 'in_progress',
        lockedBy: 'dead',
        lockedUntil: new Date(pending.scheduledAt),
        attempts: 1,
      })
      .where(eq(jobs.id, pending.id));
    const resumedAt = new Date(new Date(pending.scheduledAt).getTime() + 73 * 60_000);
    await travelTo(resumedAt.toISOString());
    expect(await app.runner().recoverInterrupted()).toBe(1);
    await app.runJobs();
    expect((await admin.jobs.byId({ id: pending.id })).state).toBe('success');
    const next = (await admin.retention.get()).nextRun!;
    expect(next.scheduledAt).toBe(
      new Date(new Date(pending.scheduledAt).getTime() + DAY).toISOString(),
    );
  });
});
