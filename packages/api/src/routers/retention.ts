import { recordOwnEvent } from '../data/audit-trail';
import {
  ensureRetentionJob,
  getRetention,
  lastRetentionRun,
  pendingRetentionJob,
  setRetention,
} from '../jobs/retention';
import { getInputSchema, retentionOutput, retentionSettingsSchema } from '../schemas/retention';
import { adminProcedure, router, type Context } from '../trpc';

/** What the settings page shows. A read: it schedules nothing (set and the start do). */
async function describeRetention(ctx: Pick<Context, 'db'>) {
  const [settings, nextRun, lastRun] = [
    await getRetention(ctx.db),
    await pendingRetentionJob(ctx.db),
    await lastRetentionRun(ctx.db),
  ];
  return { ...settings, nextRun, lastRun };
}

export const retentionRouter = router({
  get: adminProcedure
    .input(getInputSchema)
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
      // Saving the settings also puts the daily run back if an admin had canceled it.
      await ensureRetentionJob(ctx.db, now);
      return describeRetention(ctx);
    }),
});
