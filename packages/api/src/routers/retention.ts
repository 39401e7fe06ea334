import { recordOwnEvent } from '../data/audit-trail';
import {
  ensureRetentionJob,
  getRetention,
  lastRetentionRun,
  setRetention,
} from '../jobs/retention';
import { getInputSchema, retentionOutput, retentionSettingsSchema } from '../schemas/retention';
import { adminProcedure, router, type Context } from '../trpc';

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
      return describeRetention(ctx);
    }),
});
