import { TRPCError } from '@trpc/server';

import { recordOwnEvent } from '../data/audit-trail';
import { cancelJob, getJob, listJobs, reportJob } from '../data/jobs';
import { actorName, tenantScopeOf } from '../data/principals';
import {
  jobIdInputSchema,
  jobOutput,
  listInputSchema,
  listOutput,
  reportInputSchema,
  reportOutput,
} from '../schemas/jobs';
import { ingestProcedure, readProcedure, router, userProcedure } from '../trpc';

export const jobsRouter = router({
  list: readProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(({ ctx, input }) =>
      listJobs(ctx.db, {
        state: input.state,
        type: input.type,
        tenant: tenantScopeOf(ctx.principal),
        limit: input.limit,
        beforeId: input.cursor,
      }),
    ),

  byId: readProcedure
    .input(jobIdInputSchema)
    .output(jobOutput)
    .query(({ ctx, input }) => getJob(ctx.db, input.id, tenantScopeOf(ctx.principal))),

  /** Admins may cancel any job; auditors the jobs they started. */
  cancel: userProcedure
    .input(jobIdInputSchema)
    .output(jobOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const job = await getJob(tx, input.id, null);
        if (ctx.user.role !== 'admin' && job.createdBy !== ctx.user.username) {
          throw new TRPCError({
            code: 'FORBIDDEN',
            message: 'only an admin may cancel a job someone else started',
          });
        }
        const canceled = await cancelJob(tx, input.id, now);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'jobs.cancel',
            actor: ctx.user.username,
            status: 'success',
            description: `Canceled job ${job.id} (${job.name})`,
            objectType: 'job',
            objectName: job.name,
            jobId: job.id,
          },
          now,
        );
        return canceled;
      });
    }),

  /** A service creates or updates its own job, named by its own key. */
  report: ingestProcedure
    .input(reportInputSchema)
    .output(reportOutput)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction((tx) =>
        reportJob(
          tx,
          {
            tenant: ctx.token.tenant,
            systemId: ctx.token.systemId ?? `token:${ctx.token.tokenId}`,
            createdBy: actorName(ctx.token),
          },
          input,
          ctx.clock(),
        ),
      ),
    ),
});
