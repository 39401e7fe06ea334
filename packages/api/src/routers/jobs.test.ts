import { events, jobs } from '@audit/db';
import { and, asc, eq } from 'drizzle-orm';
import { ZodError } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, failure, type TestApp } from '../testing/harness';
import { describeZodError } from '../trpc';

const MINUTE = 60_000;

describe('jobs', () => {
  let app: TestApp;
  let service: Awaited<ReturnType<TestApp['token']>>;
  let reader: Awaited<ReturnType<TestApp['token']>>;

  beforeAll(async () => {
    app = await createTestApp();
    service = await app.token(['ingest'], { systemId: 'backup-svc' });
    reader = await app.token(['read']);
  });
  afterAll(() => app.close());
  afterEach(() => {
    app.setNow(undefined);
  });

  /** A job a service reported, in the given state. */
  async function reportedJob(
    key: string,
    state: 'scheduled' | 'in_progress' | 'success' | 'failure',
    type = 'backup',
  ) {
    const { job } = await service.caller.jobs.report({ key, name: `Job ${key}`, type, state });
    return job;
  }

  describe('report', () => {
    it('regression: an ingest token cannot report a purge (or export, retention) for the runner to run', async () => {
      // Another tenant's events, which a reported purge would have deleted.
      const other = await app.token(['ingest'], { tenant: 'victim' });
      await other.caller.auditLogs.record({
        events: [{ userName: 'v', taskName: 'keep.me', status: 'success', occurredAt: 0 }],
      });
      for (const type of ['purge', 'export', 'retention']) {
        const error = await failure(
          service.caller.jobs.report({
            key: `evil-${type}`,
            name: 'not mine to run',
            type,
            state: 'scheduled',
            params: { before: '2100-01-01T00:00:00.000Z', archive: false },
          }),
        );
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toMatch(new RegExp(`^type: "${type}" is a type of this service`));
      }
      await app.runJobs();
      const kept = await app.admin.auditLogs.list({ filter: { tenant: 'victim' } });
      expect(kept.items.map((e) => e.taskName)).toEqual(['keep.me']);
    });

    it('creates a job, then updates the same job by its key, filling times from the state', async () => {
      const t0 = new Date('2026-03-01T02:00:00.000Z');
      app.setNow(t0);
      const first = await service.caller.jobs.report({
        key: 'nightly-2026-03-01',
        name: 'Nightly backup',
        type: 'backup',
        state: 'scheduled',
        params: { target: 's3://backups' },
        recurrence: { interval: 'P1D' },
      });
      expect(first.created).toBe(true);
      expect(first.job).toEqual({
        id: expect.stringMatching(/^\d+$/) as unknown,
        tenant: 'default',
        name: 'Nightly backup',
        type: 'backup',
        state: 'scheduled',
        percent: 0,
        summary: null,
        scheduledAt: t0.toISOString(),
        startedAt: null,
        endedAt: null,
        recurrence: { interval: 'P1D' },
        createdBy: `token:${service.info.name}`,
        systemId: 'backup-svc',
        externalKey: 'nightly-2026-03-01',
        params: { target: 's3://backups' },
        result: null,
        error: null,
        cancelRequested: false,
        createdAt: t0.toISOString(),
        updatedAt: t0.toISOString(),
      });

      const t1 = new Date(t0.getTime() + 5 * MINUTE);
      app.setNow(t1);
      const running = await service.caller.jobs.report({
        key: 'nightly-2026-03-01',
        name: 'Nightly backup',
        type: 'backup',
        state: 'in_progress',
        percent: 40,
        summary: '4 of 10 volumes',
      });
      expect(running.created).toBe(false);
      expect(running.job).toMatchObject({
        id: first.job.id,
        state: 'in_progress',
        percent: 40,
        summary: '4 of 10 volumes',
        scheduledAt: t0.toISOString(),
        startedAt: t1.toISOString(),
        endedAt: null,
        params: { target: 's3://backups' },
        recurrence: { interval: 'P1D' },
        createdAt: t0.toISOString(),
        updatedAt: t1.toISOString(),
      });

      const t2 = new Date(t1.getTime() + 10 * MINUTE);
      app.setNow(t2);
      const done = await service.caller.jobs.report({
        key: 'nightly-2026-03-01',
        name: 'Nightly backup',
        type: 'backup',
        state: 'success',
        result: { bytes: 123_456 },
      });
      expect(done.created).toBe(false);
      expect(done.job).toMatchObject({
        id: first.job.id,
        state: 'success',
        percent: 100,
        summary: '4 of 10 volumes',
        startedAt: t1.toISOString(),
        endedAt: t2.toISOString(),
        result: { bytes: 123_456 },
      });

      // Read back the same through the API.
      await expect(app.admin.jobs.byId({ id: first.job.id })).resolves.toEqual(done.job);
      await expect(reader.caller.jobs.byId({ id: first.job.id })).resolves.toEqual(done.job);
      const listed = await app.admin.jobs.list({ type: 'backup' });
      expect(listed.items.filter((j) => j.externalKey === 'nightly-2026-03-01')).toEqual([
        done.job,
      ]);
    });

    it('times the service gives win over those filled from the state', async () => {
      const startedAt = '2026-02-01T10:00:00.000Z';
      const endedAt = '2026-02-01T10:30:00.000Z';
      const { job } = await service.caller.jobs.report({
        key: 'explicit-times',
        name: 'Explicit',
        type: 'backup',
        state: 'failure',
        startedAt,
        endedAt: Date.parse(endedAt),
        error: 'disk full',
      });
      expect(job).toMatchObject({
        state: 'failure',
        startedAt,
        endedAt,
        error: 'disk full',
        percent: 0,
      });
    });

    it('two first reports of the same key at once make one job', async () => {
      for (let round = 0; round < 5; round += 1) {
        const key = `concurrent-${round}`;
        const outcomes = await Promise.allSettled(
          ['scheduled', 'in_progress'].map((state) =>
            service.caller.jobs.report({
              key,
              name: 'Concurrent',
              type: 'race',
              state: state as 'scheduled',
            }),
          ),
        );
        // Neither may fail (a unique violation would surface as INTERNAL_SERVER_ERROR).
        expect(
          outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : [])),
        ).toEqual([]);
        const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
        expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      }
    });

    it('the same key from another service is another job', async () => {
      const other = await app.token(['ingest'], { systemId: 'other-svc' });
      const mine = await service.caller.jobs.report({
        key: 'shared-key',
        name: 'Mine',
        type: 'sync',
        state: 'scheduled',
      });
      const theirs = await other.caller.jobs.report({
        key: 'shared-key',
        name: 'Theirs',
        type: 'sync',
        state: 'scheduled',
      });
      expect(theirs.created).toBe(true);
      expect(theirs.job.id).not.toBe(mine.job.id);
      await expect(app.admin.jobs.byId({ id: mine.job.id })).resolves.toMatchObject({
        name: 'Mine',
      });
    });

    it('a bad recurrence interval is BAD_REQUEST naming recurrence.interval, and nothing is stored', async () => {
      const error = await failure(
        service.caller.jobs.report({
          key: 'bad-recurrence',
          name: 'Bad',
          type: 'backup',
          state: 'scheduled',
          recurrence: { interval: 'every day' },
        }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.cause).toBeInstanceOf(ZodError);
      expect((error.cause as ZodError).issues.map((i) => i.path.join('.'))).toEqual([
        'recurrence.interval',
      ]);
      expect(describeZodError(error.cause as ZodError)).toBe(
        'recurrence.interval: must be an ISO-8601 duration such as P1D or PT6H',
      );

      for (const interval of ['P', 'PT', 'P1DT', '1D']) {
        await expect(
          service.caller.jobs.report({
            key: 'bad-recurrence',
            name: 'Bad',
            type: 'backup',
            state: 'scheduled',
            recurrence: { interval },
          }),
        ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
      const stored = await app.store.db
        .select()
        .from(jobs)
        .where(eq(jobs.externalKey, 'bad-recurrence'));
      expect(stored).toEqual([]);
    });
  });

  describe('list and byId', () => {
    it("regression: a user's export and purge were filed under tenant default, where its tokens saw them", async () => {
      const exported = await app.admin.exports.create({ format: 'csv' });
      const purge = await app.admin.purge.create({
        before: '1990-01-01T00:00:00.000Z',
        archive: false,
      });
      const tokenExport = await reader.caller.exports.create({ format: 'csv' });
      for (const job of [exported, purge]) {
        expect(job.tenant).toBeNull();
        await expect(reader.caller.jobs.byId({ id: job.id })).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        expect((await app.admin.jobs.byId({ id: job.id })).id).toBe(job.id);
      }
      const theirs = await reader.caller.jobs.list({ type: ['export', 'purge'], limit: 100 });
      expect(theirs.items.map((j) => j.id)).toEqual([tokenExport.id]);
      expect(tokenExport.tenant).toBe('default');
      // The audit record of the user's export links its job for users, not for the token.
      const recorded = await app.admin.auditLogs.list({
        filter: { application: 'audit', taskName: 'exports.create', jobId: exported.id },
      });
      const event = recorded.items[0];
      if (!event) throw new Error('the export left no audit record');
      expect((await app.admin.auditLogs.byId({ id: event.id })).job?.id).toBe(exported.id);
      expect((await reader.caller.auditLogs.byId({ id: event.id })).job).toBeNull();
    });

    it('filters by state and type, newest first, and pages by cursor without duplicates', async () => {
      const created: { id: string; state: string; type: string }[] = [];
      const states = ['scheduled', 'in_progress', 'success', 'failure'] as const;
      for (let i = 0; i < 14; i += 1) {
        const type = i % 2 === 0 ? 'paging-a' : 'paging-b';
        const job = await reportedJob(`paging-${i}`, states[i % 4] ?? 'scheduled', type);
        created.push({ id: job.id, state: job.state, type });
      }
      const newestFirst = [...created].reverse();

      const byType = await app.admin.jobs.list({ type: 'paging-a' });
      expect(byType.items.map((j) => j.id)).toEqual(
        newestFirst.filter((j) => j.type === 'paging-a').map((j) => j.id),
      );
      expect(byType.nextCursor).toBeNull();

      const byBoth = await reader.caller.jobs.list({
        type: ['paging-a', 'paging-b'],
        state: ['success', 'failure'],
      });
      expect(byBoth.items.map((j) => j.id)).toEqual(
        newestFirst.filter((j) => j.state === 'success' || j.state === 'failure').map((j) => j.id),
      );
      expect(byBoth.items.every((j) => j.state === 'success' || j.state === 'failure')).toBe(true);

      const byState = await app.admin.jobs.list({ state: 'in_progress', type: 'paging-b' });
      expect(byState.items.map((j) => j.id)).toEqual(
        newestFirst
          .filter((j) => j.state === 'in_progress' && j.type === 'paging-b')
          .map((j) => j.id),
      );

      // Pages of 3 through all 14: each id once, in order, the last page says there is no more.
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await app.admin.jobs.list({
          type: ['paging-a', 'paging-b'],
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((j) => j.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 20);
      expect(seen).toEqual(newestFirst.map((j) => j.id));
      expect(new Set(seen).size).toBe(14);
      expect(pages).toBe(5);
    });

    it('an unknown job is NOT_FOUND', async () => {
      await expect(app.admin.jobs.byId({ id: '88888888' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'id: no job 88888888',
      });
    });

    it('a token sees only its own tenant’s jobs', async () => {
      const acme = await app.token(['ingest', 'read'], { tenant: 'acme', systemId: 'acme-svc' });
      const { job: acmeJob } = await acme.caller.jobs.report({
        key: 'a1',
        name: 'Acme job',
        type: 'tenant-scope',
        state: 'scheduled',
      });
      const defaultJob = await reportedJob('tenant-scope-default', 'scheduled', 'tenant-scope');

      expect(acmeJob.tenant).toBe('acme');
      const acmeList = await acme.caller.jobs.list({ type: 'tenant-scope' });
      expect(acmeList.items.map((j) => j.id)).toEqual([acmeJob.id]);
      await expect(acme.caller.jobs.byId({ id: defaultJob.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });

      const readerList = await reader.caller.jobs.list({ type: 'tenant-scope' });
      expect(readerList.items.map((j) => j.id)).toEqual([defaultJob.id]);
      const adminList = await app.admin.jobs.list({ type: 'tenant-scope' });
      expect(adminList.items.map((j) => j.id)).toEqual([defaultJob.id, acmeJob.id]);
    });

    it('an event never shows another tenant’s job', async () => {
      const globex = await app.token(['ingest'], { tenant: 'globex', systemId: 'globex-svc' });
      const { job } = await globex.caller.jobs.report({
        key: 'merger',
        name: 'Globex confidential merger',
        type: 'deal',
        state: 'in_progress',
        summary: 'due diligence on Initech',
      });
      const acme = await app.token(['ingest', 'read'], { tenant: 'acme', systemId: 'acme-svc' });
      const recorded = await acme.caller.auditLogs.record({
        events: [{ userName: 'snoop', taskName: 'peek', status: 'success', jobId: job.id }],
      });
      const event = await acme.caller.auditLogs.byId({ id: recorded.events[0]?.id ?? '' });
      expect(event.tenant).toBe('acme');
      expect(event.jobId).toBe(job.id);
      // The job belongs to globex: acme's token must not learn its name or summary.
      expect(event.job).toBeNull();
    });

    it('an event recorded with the job’s id shows the job summary', async () => {
      const { job } = await service.caller.jobs.report({
        key: 'with-events',
        name: 'Provision site',
        type: 'site.provision',
        state: 'in_progress',
        percent: 25,
        summary: 'step 1 of 4',
      });
      const recorded = await service.caller.auditLogs.record({
        events: [
          { userName: 'ops', taskName: 'site.provision', status: 'job_scheduled', jobId: job.id },
        ],
      });
      const eventId = recorded.events[0]?.id ?? '';

      const event = await app.admin.auditLogs.byId({ id: eventId });
      expect(event.jobId).toBe(job.id);
      expect(event.job).toEqual({
        id: job.id,
        name: 'Provision site',
        type: 'site.provision',
        state: 'in_progress',
        percent: 25,
        summary: 'step 1 of 4',
        scheduledAt: job.scheduledAt,
        startedAt: job.startedAt,
        endedAt: null,
      });

      // The summary follows the job.
      await service.caller.jobs.report({
        key: 'with-events',
        name: 'Provision site',
        type: 'site.provision',
        state: 'success',
      });
      const later = await reader.caller.auditLogs.byId({ id: eventId });
      expect(later.job).toMatchObject({
        id: job.id,
        state: 'success',
        percent: 100,
        endedAt: expect.any(String) as unknown,
      });

      const without = await service.caller.auditLogs.record({
        events: [{ userName: 'ops', taskName: 'site.check', status: 'success' }],
      });
      await expect(
        app.admin.auditLogs.byId({ id: without.events[0]?.id ?? '' }),
      ).resolves.toMatchObject({
        jobId: null,
        job: null,
      });
    });
  });

  describe('cancel', () => {
    function cancelEvents(jobId: string) {
      return app.store.db
        .select({
          taskName: events.taskName,
          userName: events.userName,
          application: events.application,
          status: events.status,
          description: events.description,
          objectType: events.objectType,
          objectName: events.objectName,
          jobId: events.jobId,
        })
        .from(events)
        .where(and(eq(events.taskName, 'jobs.cancel'), eq(events.jobId, jobId)))
        .orderBy(asc(events.id));
    }

    it('a scheduled job is canceled at once, with endedAt, and the cancel is recorded', async () => {
      const job = await reportedJob('to-cancel', 'scheduled');
      const at = new Date('2026-03-02T08:00:00.000Z');
      app.setNow(at);

      const canceled = await app.admin.jobs.cancel({ id: job.id });
      expect(canceled).toMatchObject({
        id: job.id,
        state: 'canceled',
        cancelRequested: true,
        endedAt: at.toISOString(),
        updatedAt: at.toISOString(),
        startedAt: null,
      });
      await expect(app.admin.jobs.byId({ id: job.id })).resolves.toEqual(canceled);

      expect(await cancelEvents(job.id)).toEqual([
        {
          taskName: 'jobs.cancel',
          userName: 'admin',
          application: 'audit',
          status: 'success',
          description: `Canceled job ${job.id} (Job to-cancel)`,
          objectType: 'job',
          objectName: 'Job to-cancel',
          jobId: job.id,
        },
      ]);

      // Canceled is final.
      await expect(app.admin.jobs.cancel({ id: job.id })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await cancelEvents(job.id)).toHaveLength(1);
    });

    it('a running job is asked to stop: cancelRequested, still running until its runner stops', async () => {
      const job = await reportedJob('running-cancel', 'in_progress');
      const canceled = await app.admin.jobs.cancel({ id: job.id });
      expect(canceled).toMatchObject({
        id: job.id,
        state: 'in_progress',
        cancelRequested: true,
        endedAt: null,
      });
      expect(await cancelEvents(job.id)).toHaveLength(1);
    });

    it('a finished job cannot be canceled (CONFLICT), nothing changes and nothing is recorded', async () => {
      for (const state of ['success', 'failure'] as const) {
        const job = await reportedJob(`finished-${state}`, state);
        const error = await failure(app.admin.jobs.cancel({ id: job.id }));
        expect(error.code).toBe('CONFLICT');
        expect(error.message).toBe(`job ${job.id} has already ended (${state})`);
        await expect(app.admin.jobs.byId({ id: job.id })).resolves.toEqual(job);
        expect(await cancelEvents(job.id)).toEqual([]);
      }
      await expect(app.admin.jobs.cancel({ id: '77777777' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('an auditor cannot cancel someone else’s job, but may cancel their own', async () => {
      const auditor = await app.userWithRole('auditor');
      const job = await reportedJob('not-yours', 'scheduled');

      const error = await failure(auditor.caller.jobs.cancel({ id: job.id }));
      expect(error.code).toBe('FORBIDDEN');
      await expect(app.admin.jobs.byId({ id: job.id })).resolves.toMatchObject({
        state: 'scheduled',
        cancelRequested: false,
      });
      expect(await cancelEvents(job.id)).toEqual([]);

      const [own] = await app.store.db
        .insert(jobs)
        .values({
          name: 'My export',
          type: 'export',
          state: 'scheduled',
          createdBy: auditor.username,
        })
        .returning({ id: jobs.id });
      const ownId = own?.id ?? '';
      await expect(auditor.caller.jobs.cancel({ id: ownId })).resolves.toMatchObject({
        id: ownId,
        state: 'canceled',
      });
      expect(await cancelEvents(ownId)).toEqual([
        expect.objectContaining({
          userName: auditor.username,
          description: `Canceled job ${ownId} (My export)`,
        }),
      ]);
    });
  });
});
