import { z } from 'zod';

import { recordOwnEvent } from '../data/audit-trail';
import {
  ensureRetentionJob,
  getRetention,
  lastRetentionRun,
  retentionSettingsSchema,
  setRetention,
} from '../jobs/retention';
import { adminProcedure, router, type Context } from '../trpc';
import { jobOutput } from '../schemas/jobs';

const retentionOutput = retentionSettingsSchema.extend({
  /** The daily job's next run. */
  nextRun: jobOutput.nullable(),
  /** The last run that ended: its result holds how many events it removed and the archive. */
  lastRun: jobOutput.nullable(),
});

async function describeRetention(ctx: Pick<Context, 'db' | 'clock'>) {
  const [settings, nextRun, lastRun] = [
    await getRetention(ctx.db),
    await ensureRetentionJob(ctx.db, ctx.clock()),
    await lastRetentionRun(ctx.db),
  ];
  return { ...settings, nextRun, lastRun };
}

export const retentionRouter = router({
  get: adminProcedure
    .input(z.void())
    .output(retentionOutput)
    .query(({ ctx }) => describeRetention(ctx)),

  set: adminProcedure
    .input(retentionSettingsSchema)
    .output(retentionOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const before = await getRetention(ctx.db);
      await ctx.db.transaction(async (tx) => {
        await setRetention(tx, input, ctx.user.username, now);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'retention.set',
            actor: ctx.user.username,
            status: 'success',
            description: `Retention ${before.days} → ${input.days} days, archive ${input.archive ? 'on' : 'off'}`,
            objectType: 'setting',
            objectName: 'retention',
            metadata: { before, after: input },
          },
          now,
        );
      });
      return describeRetention(ctx);
    }),
});
