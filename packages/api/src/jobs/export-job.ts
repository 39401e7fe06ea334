import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { archives, type ExportFormat } from '@audit/db';
import { eq } from 'drizzle-orm';

import { writeArchive } from '../archive/archive';
import { countEvents, eventScope, iterateArchiveRows } from '../data/events';
import { eventFilterSchema, type EventFilterInput } from '../filters/schema';
import { observedBy, prepareArchiveSeals, sealsEntry } from '../integrity/archive-seals';
import type { SigningKey } from '../integrity/signing-key';
import { fileStamp, removeUnrecordedFiles } from './archive-files';
import type { JobContext, JobHandler } from './runner';

/** What exports.create stores in the job, and the job reads back. */
export interface ExportParams {
  /** As the caller gave it: re-parsed when the job runs, and recorded in the manifest. */
  filter: EventFilterInput;
  format: ExportFormat;
  timeZone: string;
  /** A token's export covers its own tenant only. */
  tenantScope: string | null;
}

function outcomeOf(archive: {
  id: string;
  fileName: string;
  rowCount: number;
  sha256: string;
  sizeBytes: number;
}) {
  return {
    summary: `Exported ${archive.rowCount.toLocaleString('en')} events to ${archive.fileName}`,
    result: {
      archiveId: archive.id,
      rowCount: archive.rowCount,
      sha256: archive.sha256,
      fileName: archive.fileName,
      sizeBytes: archive.sizeBytes,
    },
  };
}

export function exportJobHandler(archiveDir: string, signingKey?: SigningKey): JobHandler {
  return {
    async run(ctx: JobContext) {
      // A run that was interrupted after recording its archive is done already.
      const [recorded] = await ctx.db.select().from(archives).where(eq(archives.jobId, ctx.job.id));
      if (recorded) return outcomeOf(recorded);
      await removeUnrecordedFiles(archiveDir, `audit-export-${ctx.job.id}-`);

      const params = ctx.job.params as unknown as ExportParams;
      const filter = eventFilterSchema.parse(params.filter);
      const conditions = eventScope(filter, params.tenantScope, ctx.now()).conditions;
      const { total } = await countEvents(ctx.db, conditions);
      await ctx.progress(0, `Exporting about ${total.toLocaleString('en')} events`);

      // Sealed first, so that the archive can prove (almost) every row it holds.
      const seals = await prepareArchiveSeals(ctx.db, signingKey, () => ctx.now());
      await mkdir(archiveDir, { recursive: true });
      const fileName = `audit-export-${ctx.job.id}-${fileStamp(ctx.now())}.zip`;
      const written = await writeArchive({
        path: join(archiveDir, fileName),
        format: params.format,
        timeZone: params.timeZone,
        rows: observedBy(
          (async function* () {
            for await (const batch of iterateArchiveRows(ctx.db, conditions)) {
              yield batch;
              await ctx.fault('export-batch');
            }
          })(),
          seals,
        ),
        seals: sealsEntry(seals),
        manifest: {
          kind: 'export',
          filters: params.filter,
          createdBy: ctx.job.createdBy,
          createdAt: ctx.now().toISOString(),
          jobId: ctx.job.id,
        },
        signal: ctx.signal,
        onProgress: (rows) =>
          ctx.progress(
            total ? Math.min(99, (rows / total) * 100) : 50,
            `${rows.toLocaleString('en')} of about ${total.toLocaleString('en')} events written`,
          ),
      });
      await ctx.fault('export-written');
      try {
        // A cancel that came in while the last rows were written still wins.
        await ctx.progress(99, 'Recording the archive');
      } catch (error) {
        await rm(written.path, { force: true });
        throw error;
      }

      const [archive] = await ctx.db
        .insert(archives)
        .values({
          tenant: params.tenantScope,
          jobId: ctx.job.id,
          kind: 'export',
          format: params.format,
          fileName: written.fileName,
          path: written.fileName,
          sizeBytes: written.sizeBytes,
          rowCount: written.rowCount,
          sha256: written.sha256,
          filters: params.filter as Record<string, unknown>,
          timeZone: params.timeZone,
          createdBy: ctx.job.createdBy,
          createdAt: ctx.now(),
        })
        .returning({ id: archives.id });
      return outcomeOf({ ...written, id: archive?.id ?? '' });
    },
  };
}
