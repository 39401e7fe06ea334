import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { recordOwnEvent } from '../data/audit-trail';
import { cancelJob, getJob, listJobs, reportJob } from '../data/jobs';
import { actorName, tenantScopeOf } from '../data/principals';
import { decimalIdSchema, instantSchema, oneOrMany } from '../schemas/values';
import { jobOutput, jobStateSchema, recurrenceSchema } from '../schemas/jobs';
import { ingestProcedure, readProcedure, router, userProcedure } from '../trpc';

export const jobsRouter = router({
  list: readProcedure
    .input(
      z
        .object({
          state: oneOrMany(jobStateSchema).optional(),
          type: oneOrMany(z.string().min(1).max(200)).optional(),
          limit: z.number().int().min(1).max(500).default(50),
          cursor: decimalIdSchema.optional(),
        })
        .strict()
        .default({ limit: 50 }),
    )
    .output(z.object({ items: z.array(jobOutput), nextCursor: z.string().nullable() }))
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
    .input(z.object({ id: decimalIdSchema }).strict())
    .output(jobOutput)
    .query(({ ctx, input }) => getJob(ctx.db, input.id, tenantScopeOf(ctx.principal))),

  /** Admins may cancel any job; auditors the jobs they started. */
  cancel: userProcedure
    .input(z.object({ id: decimalIdSchema }).strict())
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
    .input(
      z
        .object({
          /** The service's own id for the job; reporting the same key again updates it. */
          key: z.string().min(1).max(200),
          name: z.string().min(1).max(500),
          type: z.string().min(1).max(200),
          state: jobStateSchema,
          percent: z.number().int().min(0).max(100).optional(),
          summary: z.string().max(10_000).nullish(),
          scheduledAt: instantSchema.optional(),
          startedAt: instantSchema.nullish(),
          endedAt: instantSchema.nullish(),
          recurrence: recurrenceSchema.nullish(),
          params: z.record(z.string(), z.unknown()).optional(),
          result: z.record(z.string(), z.unknown()).nullish(),
          error: z.string().max(10_000).nullish(),
        })
        .strict(),
    )
    .output(z.object({ job: jobOutput, created: z.boolean() }))
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
