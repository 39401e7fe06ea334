import { listArchives } from '../data/archives';
import { recordOwnEvent } from '../data/audit-trail';
import { createJob } from '../data/jobs';
import { actorName, tenantScopeOf } from '../data/principals';
import type { EventFilterInput } from '../filters/schema';
import type { ExportParams } from '../jobs/export-job';
import { createInputSchema, listInputSchema, listOutput } from '../schemas/exports';
import { jobOutput } from '../schemas/jobs';
import { readProcedure, router } from '../trpc';

export function downloadUrl(id: string): string {
  return `/archives/${id}/download`;
}

export const exportsRouter = router({
  /** Starts an export of the events matching the filter; follow the job for progress. */
  create: readProcedure
    .input(createInputSchema)
    .output(jobOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const filter = input.filter ?? {};
      // Refuses a bad search box now, not in the job.
      const { tenantScope } = ctx.scope(filter);
      const params: ExportParams = {
        // JSON form (Dates → ISO strings): parsed again, the same way, when the job runs.
        filter: JSON.parse(JSON.stringify(filter)) as EventFilterInput,
        format: input.format,
        timeZone: input.timeZone,
        tenantScope,
      };
      const actor = actorName(ctx.principal);
      return ctx.db.transaction(async (tx) => {
        const job = await createJob(
          tx,
          {
            tenant: tenantScope,
            name: `Export events (${input.format.toUpperCase()}, ${input.timeZone})`,
            type: 'export',
            createdBy: actor,
            params,
          },
          now,
        );
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'exports.create',
            actor,
            status: 'job_scheduled',
            description: `Export of events as ${input.format.toUpperCase()} requested`,
            objectType: 'export',
            objectName: job.name,
            jobId: job.id,
            metadata: { filter: params.filter },
          },
          now,
        );
        return job;
      });
    }),

  /** Archives: exports, and what purges archived before deleting. */
  list: readProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const page = await listArchives(ctx.db, {
        kind: input.kind,
        tenant: tenantScopeOf(ctx.principal),
        limit: input.limit,
        beforeId: input.cursor,
      });
      return {
        items: page.items.map((archive) => ({ ...archive, downloadUrl: downloadUrl(archive.id) })),
        nextCursor: page.nextCursor,
      };
    }),
});
