import { jobs } from '@audit/db';
import { describe, expect, it } from 'vitest';

import { createTestApp } from '../testing/harness';
import { JobRunner, type JobHandler } from './runner';

describe('JobRunner', () => {
  it('releases its claim at a shutdown that cannot wait, and another runner takes the job up', async () => {
    const app = await createTestApp();
    try {
      const held: { release?: () => void } = {};
      const stuck = new Promise<void>((resolve) => {
        held.release = resolve;
      });
      const handler: JobHandler = {
        async run() {
          await stuck;
          return { summary: 'done', result: {} };
        },
      };
      const [job] = await app.store.db
        .insert(jobs)
        .values({ name: 'long', type: 'test', createdBy: 'test' })
        .returning({ id: jobs.id });
      const leaving = new JobRunner({ store: app.store, handlers: { test: handler } });
      const inHand = leaving.runOnce();
      // Wait until it holds the job.
      for (let i = 0; i < 100; i++) {
        const [row] = await app.store.db.select().from(jobs);
        if (row?.state === 'in_progress') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await leaving.releaseClaims()).toBe(1);
      const next = new JobRunner({
        store: app.store,
        handlers: { test: { run: () => Promise.resolve({ summary: 'resumed', result: {} }) } },
      });
      expect(await next.recoverInterrupted()).toBe(1);
      expect(await next.runOnce()).toBe(true);
      const [row] = await app.store.db.select().from(jobs);
      expect(row).toMatchObject({ id: job?.id, state: 'success', summary: 'resumed' });
      held.release?.();
      await inHand.catch(() => undefined);
    } finally {
      await app.close();
    }
  });

  it('two runners never run the same job, and each job runs once', async () => {
    const app = await createTestApp();
    try {
      const ran: string[] = [];
      const handler: JobHandler = {
        async run(ctx) {
          ran.push(ctx.job.id);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { summary: 'done', result: {} };
        },
      };
      const created = await app.store.db
        .insert(jobs)
        .values(
          Array.from({ length: 12 }, (_, i) => ({
            name: `job ${i}`,
            type: 'test',
            createdBy: 'test',
          })),
        )
        .returning({ id: jobs.id });
      const runners = [1, 2].map(
        () => new JobRunner({ store: app.store, handlers: { test: handler } }),
      );
      const drain = async (runner: JobRunner) => {
        while (await runner.runOnce()) {
          // next
        }
      };
      await Promise.all(runners.map(drain));
      expect(ran.sort()).toEqual(created.map((j) => j.id).sort());
      const states = await app.store.db.select({ state: jobs.state }).from(jobs);
      expect(states.every((s) => s.state === 'success')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a failing job is marked failed with its message, and the runner goes on', async () => {
    const app = await createTestApp();
    try {
      const handler: JobHandler = {
        run: (ctx) =>
          ctx.job.name === 'bad'
            ? Promise.reject(new Error('disk full'))
            : Promise.resolve({ summary: 'ok', result: {} }),
      };
      await app.store.db.insert(jobs).values([
        { name: 'bad', type: 'test', createdBy: 'test' },
        { name: 'good', type: 'test', createdBy: 'test' },
      ]);
      const runner = new JobRunner({
        store: app.store,
        handlers: { test: handler },
        onError: () => undefined,
      });
      while (await runner.runOnce()) {
        // next
      }
      const rows = await app.store.db.select().from(jobs);
      expect(rows.map((j) => [j.name, j.state, j.error])).toEqual(
        expect.arrayContaining([
          ['bad', 'failure', 'disk full'],
          ['good', 'success', null],
        ]),
      );
    } finally {
      await app.close();
    }
  });
});
