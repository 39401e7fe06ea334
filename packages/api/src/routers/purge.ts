import { events } from '@audit/db';
import { sql } from 'drizzle-orm';

import { recordOwnEvent } from '../data/audit-trail';
import { countHeldAndUnheld, holdGuard } from '../data/holds';
import { createJob } from '../data/jobs';
import type { EventFilterInput } from '../filters/schema';
import type { PurgeParams } from '../jobs/purge-job';
import { jobOutput } from '../schemas/jobs';
import { createInputSchema, previewInputSchema, previewOutput } from '../schemas/purge';
import { adminProcedure, router } from '../trpc';

export const purgeRouter = router({
  /**
   * How many events a purge with these settings would remove now (`count`), and how many
   * more it matches that legal holds keep (`held`).
   */
  preview: adminProcedure
    .input(previewInputSchema)
    .output(previewOutput)
    .query(async ({ ctx, input }) => {
      const conditions = [
        ...ctx.scope(input.filter).conditions,
        sql`${events.occurredAt} < ${input.before.toISOString()}::timestamptz`,
      ];
      const { unheld, held } = await countHeldAndUnheld(
        ctx.db,
        conditions,
        await holdGuard(ctx.db),
      );
      return { count: unheld, held, before: input.before };
    }),

  /** Starts a purge job; with `archive: true` nothing is deleted before its archive is verified. */
  create: adminProcedure
    .input(createInputSchema)
    .output(jobOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const filter = input.filter ?? {};
      ctx.scope(filter); // a bad search box is refused now, not in the job
      const params: PurgeParams = {
        before: input.before.toISOString(),
        filter: JSON.parse(JSON.stringify(filter)) as EventFilterInput,
        archive: input.archive,
        format: input.format,
      };
      return ctx.db.transaction(async (tx) => {
        const job = await createJob(
          tx,
          {
            tenant: null,
            name: `Purge events before ${params.before}${input.archive ? ', archived' : ''}`,
            type: 'purge',
            createdBy: ctx.user.username,
            params,
          },
          now,
        );
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'purge.create',
            actor: ctx.user.username,
            status: 'job_scheduled',
            description: `Purge of events before ${params.before} requested (${input.archive ? 'archive first' : 'no archive'})`,
            objectType: 'events',
            jobId: job.id,
            metadata: { before: params.before, filter: params.filter, archive: input.archive },
          },
          now,
        );
        return job;
      });
    }),
});
