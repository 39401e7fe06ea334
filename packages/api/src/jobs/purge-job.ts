import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import {
  archives,
  countedColumns,
  events,
  forgetCountsBetween,
  forgetEventKeys,
  forgetEventKeysOfPartition,
  insertCountDeltas,
  jobs,
  listEventPartitions,
  partitionName,
  queryRows,
  type Database,
  type ExportFormat,
  type Job,
} from '@audit/db';
import { eq, sql, type SQL } from 'drizzle-orm';

import { readArchivedKeys, verifyArchive, writeArchive, type ArchiveRow } from '../archive/archive';
import { recordOwnEvent } from '../data/audit-trail';
import { observedBy, prepareArchiveSeals, sealsEntry } from '../integrity/archive-seals';
import type { SigningKey } from '../integrity/signing-key';
import { eventScope, iterateArchiveRows } from '../data/events';
import { countHeldAndUnheld, holdGuard, lockHoldsForDeleting } from '../data/holds';
import { whereAll } from '../filters/sql';
import { eventFilterSchema, type EventFilterInput } from '../filters/schema';
import { idsOfTable, writePurgeReceipt } from '../integrity/receipts';
import { lockSealChain } from '../integrity/sealer';
import { fileStamp, removeUnrecordedFiles } from './archive-files';
import type { JobDeps } from './handlers';
import type { JobContext, JobHandler, JobOutcome } from './runner';

/** What purge.create stores in the job. */
export interface PurgeParams {
  /** Events strictly before this instant are removed. */
  before: string;
  filter: EventFilterInput;
  archive: boolean;
  format: ExportFormat;
}

/** Progress a purge has made, kept in the job's result so a restart resumes rather than repeats. */
export interface PurgeCheckpoint {
  before: string;
  phase: 'archiving' | 'deleting' | 'done';
  archive: { id: string; fileName: string; rowCount: number; sha256: string } | null;
  /** Archived rows per partition: a partition holding exactly these may be dropped whole. */
  monthCounts: Record<string, number>;
  /** Archived keys already dealt with (deleted, or in a dropped partition). */
  keysDone: number;
  deleted: number;
  droppedPartitions: string[];
  /**
   * Events matching the purge that legal holds kept (counted when it ends). With an archive,
   * a hold placed while the purge ran can keep rows the archive already holds.
   */
  kept?: number;
}

/** Signs what a deleting transaction removed (its ids in ascending pages) into the seal chain. */
type Receipt = (
  tx: Database,
  removedIds: AsyncIterable<readonly bigint[]> | Iterable<readonly bigint[]>,
) => Promise<void>;

/** Rows deleted per transaction: short locks, bounded WAL per commit. */
const DELETE_BATCH = 5000;

/** The SQL session setting the append-only trigger lets DELETE through with (migrations/0001). */
async function allowDelete(tx: Database): Promise<void> {
  await tx.execute(sql`SET LOCAL audit.allow_delete = 'on'`);
}

async function saveCheckpoint(
  tx: Database,
  jobId: string,
  checkpoint: PurgeCheckpoint,
): Promise<void> {
  await tx
    .update(jobs)
    .set({ result: checkpoint as unknown as Record<string, unknown> })
    .where(eq(jobs.id, jobId));
}

export interface PurgeRequest {
  before: Date;
  filter: EventFilterInput;
  archive: boolean;
  format: ExportFormat;
}

/**
 * Removes the events before a cut (and matching a filter). With an archive, the archive of
 * exactly those rows is written, re-read and verified, and recorded before any row is
 * deleted; then only rows in the archive are deleted, so an old-timestamped event
 * recorded meanwhile survives. Killed at any point, a restart resumes from the checkpoint:
 * there is never a deleted row without its archive.
 */
export async function runPurge(
  ctx: JobContext,
  deps: JobDeps,
  request: PurgeRequest,
): Promise<JobOutcome> {
  const { archiveDir, signingKey } = deps;
  const stored = ctx.job.result as unknown as PurgeCheckpoint | null;
  const checkpoint: PurgeCheckpoint =
    stored?.phase !== undefined
      ? stored
      : {
          before: request.before.toISOString(),
          phase: 'archiving',
          archive: null,
          monthCounts: {},
          keysDone: 0,
          deleted: 0,
          droppedPartitions: [],
        };
  const before = new Date(checkpoint.before);
  const filter = eventFilterSchema.parse(request.filter);
  const hasFilter = Object.keys(filter).length > 0;
  const conditions = [
    ...eventScope(filter, null, ctx.now()).conditions,
    sql`${events.occurredAt} < ${checkpoint.before}::timestamptz`,
  ];

  if (checkpoint.phase === 'archiving' && request.archive) {
    await archiveRows(ctx, archiveDir, request, conditions, checkpoint, signingKey);
  } else if (checkpoint.phase === 'archiving') {
    checkpoint.phase = 'deleting';
  }

  if (checkpoint.phase === 'deleting') {
    // Every deleting transaction signs a receipt of what it removed into the seal chain.
    const receipt: Receipt = (tx, removedIds) =>
      writePurgeReceipt(
        tx,
        deps.signingKey,
        ctx.now(),
        {
          jobId: ctx.job.id,
          by: ctx.job.createdBy,
          before: checkpoint.before,
          filter: request.filter,
          archiveSha256: checkpoint.archive?.sha256 ?? null,
        },
        removedIds,
      );
    // Whole months inside the cut go by dropping their partition.
    if (!hasFilter) await dropWholeMonths(ctx, before, checkpoint, request.archive, receipt);
    if (!checkpoint.archive) {
      await deleteMatchingRows(ctx, conditions, checkpoint, receipt);
    } else if (archivedOutsideDroppedMonths(checkpoint)) {
      await deleteArchivedRows(ctx, archiveDir, checkpoint, receipt);
    }

    // What the holds kept: the matching rows still there that a hold protects.
    checkpoint.kept = (await countHeldAndUnheld(ctx.db, conditions, await holdGuard(ctx.db))).held;
    const { deleted, archive, kept } = checkpoint;
    checkpoint.phase = 'done';
    await ctx.db.transaction(async (tx) => {
      await saveCheckpoint(tx, ctx.job.id, checkpoint);
      await recordOwnEvent(
        tx,
        null,
        {
          task: ctx.job.type,
          actor: ctx.job.createdBy,
          status: 'success',
          description:
            `Purged ${deleted.toLocaleString('en')} events before ${checkpoint.before}` +
            (hasFilter ? ` matching ${JSON.stringify(request.filter)}` : '') +
            (archive ? `; archived in ${archive.fileName}` : '; not archived') +
            (kept ? `; kept ${kept.toLocaleString('en')} under legal hold` : ''),
          objectType: 'events',
          jobId: ctx.job.id,
          metadata: {
            before: checkpoint.before,
            deleted,
            kept,
            archiveId: archive?.id ?? null,
            filter: request.filter,
          },
        },
        ctx.now(),
      );
    });
    await ctx.fault('purge-recorded');
  }

  return {
    summary:
      `Removed ${checkpoint.deleted.toLocaleString('en')} events before ${checkpoint.before}` +
      (checkpoint.archive ? ` (archive ${checkpoint.archive.fileName})` : '') +
      (checkpoint.kept ? `; kept ${checkpoint.kept.toLocaleString('en')} under legal hold` : ''),
    result: checkpoint as unknown as Record<string, unknown>,
  };
}

async function archiveRows(
  ctx: JobContext,
  archiveDir: string,
  request: PurgeRequest,
  matching: SQL[],
  checkpoint: PurgeCheckpoint,
  signingKey: SigningKey | undefined,
): Promise<void> {
  // Held events are not archived: the archive is of what will be deleted. (A hold placed
  // after this read is still honoured: each deleting transaction reads the holds again.)
  const { unheld } = await holdGuard(ctx.db);
  const conditions = unheld ? [...matching, unheld] : matching;
  const [count] = await queryRows<{ n: number }>(
    ctx.db,
    sql`SELECT count(*)::int AS n FROM ${events} WHERE ${whereAll(conditions)}`,
  );
  const total = count?.n ?? 0;
  const monthCounts: Record<string, number> = {};
  async function* counted(): AsyncGenerator<ArchiveRow[]> {
    for await (const batch of iterateArchiveRows(ctx.db, conditions)) {
      for (const row of batch) {
        const month = partitionName(row.occurredAt);
        monthCounts[month] = (monthCounts[month] ?? 0) + 1;
      }
      yield batch;
    }
  }

  // Still archiving, so no archive of this job is recorded: any file of it is a leftover.
  await removeUnrecordedFiles(archiveDir, `audit-purge-${ctx.job.id}-`);
  // Sealed first, so that the archive can prove (almost) every row it holds.
  const seals = await prepareArchiveSeals(ctx.db, signingKey, () => ctx.now());
  await mkdir(archiveDir, { recursive: true });
  const fileName = `audit-purge-${ctx.job.id}-${fileStamp(ctx.now())}.zip`;
  const path = join(archiveDir, fileName);
  const written = await writeArchive({
    path,
    format: request.format,
    timeZone: 'UTC',
    rows: observedBy(counted(), seals),
    seals: sealsEntry(seals),
    manifest: {
      kind: 'purge',
      filters: request.filter,
      before: checkpoint.before,
      createdBy: ctx.job.createdBy,
      createdAt: ctx.now().toISOString(),
      jobId: ctx.job.id,
    },
    signal: ctx.signal,
    onProgress: (rows) =>
      ctx.progress(
        total ? (rows / total) * 45 : 0,
        `Archived ${rows.toLocaleString('en')} of ${total.toLocaleString('en')} events`,
      ),
  });
  await ctx.fault('archive-written');
  // Read back from disk: what will be deleted must be in the file, whole.
  await verifyArchive(path, { rowCount: written.rowCount, sha256: written.sha256 });
  await ctx.fault('archive-verified');

  await ctx.db.transaction(async (tx) => {
    const [archive] = await tx
      .insert(archives)
      .values({
        tenant: null,
        jobId: ctx.job.id,
        kind: 'purge',
        format: request.format,
        fileName,
        path: fileName,
        sizeBytes: written.sizeBytes,
        rowCount: written.rowCount,
        sha256: written.sha256,
        filters: { ...(request.filter as Record<string, unknown>), before: checkpoint.before },
        timeZone: 'UTC',
        createdBy: ctx.job.createdBy,
        createdAt: ctx.now(),
      })
      .returning({ id: archives.id });
    checkpoint.archive = {
      id: archive?.id ?? '',
      fileName,
      rowCount: written.rowCount,
      sha256: written.sha256,
    };
    checkpoint.monthCounts = monthCounts;
    checkpoint.phase = 'deleting';
    await saveCheckpoint(tx, ctx.job.id, checkpoint);
  });
  await ctx.fault('archive-recorded');
  await ctx.progress(
    50,
    `Archived ${written.rowCount.toLocaleString('en')} events; deleting`,
    checkpoint as unknown as Record<string, unknown>,
  );
}

/**
 * Drops the partitions of months wholly before the cut. With an archive, only a partition
 * whose row count still equals what was archived from it: events are append-only, so equal
 * counts mean the very same rows, and one recorded meanwhile keeps the partition alive (its
 * archived rows are then deleted one by one instead). A month holding an event a legal hold
 * keeps is never dropped: its other rows are deleted one by one, and the held ones stay.
 */
async function dropWholeMonths(
  ctx: JobContext,
  before: Date,
  checkpoint: PurgeCheckpoint,
  archived: boolean,
  receipt: Receipt,
): Promise<void> {
  const partitions = (await listEventPartitions(ctx.db)).filter(
    (p) => p.to <= before && !checkpoint.droppedPartitions.includes(p.name),
  );
  for (const partition of partitions) {
    const expected = checkpoint.monthCounts[partition.name] ?? 0;
    if (archived && expected === 0) continue;
    const dropped = await ctx.db.transaction(async (tx) => {
      // The holds' lock before the table's: placing a hold takes them in that order too.
      const { held } = await lockHoldsForDeleting(tx);
      // The seal chain's lock before the table's: the sealer holds it while it reads events.
      await lockSealChain(tx, true);
      // Parent first, as inserts take it: no lock-order deadlock with a concurrent insert.
      await tx.execute(sql`LOCK TABLE ${events} IN ACCESS EXCLUSIVE MODE`);
      // One read of the month, under the lock: its rows, and whether a hold keeps any (the
      // partition goes by the parent's name, which the holds' conditions are written against).
      const [row] = await queryRows<{ n: number; held: boolean }>(
        tx,
        sql`SELECT count(*)::int AS n, ${held ? sql`coalesce(bool_or(${held}), false)` : sql`false`} AS held
            FROM ${sql.identifier(partition.name)} AS ${events}`,
      );
      const n = row?.n ?? 0;
      if (archived && n !== expected) return false;
      if (row?.held) return false;
      await receipt(tx, idsOfTable(tx, partition.name));
      await allowDelete(tx);
      await forgetEventKeysOfPartition(tx, partition.name);
      await tx.execute(sql`DROP TABLE ${sql.identifier(partition.name)}`);
      await forgetCountsBetween(tx, partition.from, partition.to);
      checkpoint.droppedPartitions.push(partition.name);
      checkpoint.deleted += n;
      await saveCheckpoint(tx, ctx.job.id, checkpoint);
      return true;
    });
    if (dropped) await ctx.fault('partition-dropped');
    await ctx.progress(
      archived ? 60 : 30,
      `Removed ${checkpoint.deleted.toLocaleString('en')} events`,
      checkpoint as unknown as Record<string, unknown>,
    );
  }
}

/**
 * Whether some archived rows lie in a month not dropped whole. When none do, they are all
 * gone already: reading the archive's keys back only to skip every one of them took most
 * of the time of an archived month's purge (RESULTS.md, purge rows).
 */
function archivedOutsideDroppedMonths(checkpoint: PurgeCheckpoint): boolean {
  return Object.keys(checkpoint.monthCounts).some(
    (month) => !checkpoint.droppedPartitions.includes(month),
  );
}

/** Deletes exactly the archived rows (those not already gone with a dropped partition). */
async function deleteArchivedRows(
  ctx: JobContext,
  archiveDir: string,
  checkpoint: PurgeCheckpoint,
  receipt: Receipt,
): Promise<void> {
  const archive = checkpoint.archive;
  if (!archive) return;
  const path = join(archiveDir, archive.fileName);
  let seen = 0;
  for await (const batch of readArchivedKeys(path, DELETE_BATCH)) {
    const start = seen;
    seen += batch.length;
    if (seen <= checkpoint.keysDone) continue; // done before a restart
    const keys = batch
      .slice(Math.max(0, checkpoint.keysDone - start))
      .filter((key) => !checkpoint.droppedPartitions.includes(partitionName(key.occurredAt)))
      .map((key) => ({ id: key.id, occurred_at: key.occurredAt.toISOString() }));
    await ctx.db.transaction(async (tx) => {
      const { unheld } = await lockHoldsForDeleting(tx);
      await lockSealChain(tx, true);
      await ctx.fault('holds-read');
      await allowDelete(tx);
      // Unaliased: the holds' conditions name the events table's own columns.
      const gone = await queryRows<{ id: string }>(
        tx,
        sql`WITH gone AS (
              DELETE FROM ${events}
              USING jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(id bigint, occurred_at timestamptz)
              WHERE ${events.occurredAt} = k.occurred_at AND ${events.id} = k.id
                ${unheld ? sql`AND ${unheld}` : sql``}
              RETURNING ${events.id}, ${events.eventId}, ${countedColumns('events')}),
            counted AS (${insertCountDeltas(sql`gone`, -1)}),
            keys_gone AS (${forgetEventKeys(sql`gone`)})
            SELECT id::text FROM gone ORDER BY gone.id`,
      );
      await receipt(tx, [gone.map((row) => BigInt(row.id))]);
      checkpoint.deleted += gone.length;
      checkpoint.keysDone = seen;
      await saveCheckpoint(tx, ctx.job.id, checkpoint);
    });
    await ctx.fault('batch-deleted');
    await ctx.progress(
      50 + (seen / Math.max(archive.rowCount, 1)) * 49,
      `Deleted ${checkpoint.deleted.toLocaleString('en')} of ${archive.rowCount.toLocaleString('en')} archived events`,
      checkpoint as unknown as Record<string, unknown>,
    );
  }
}

/** No archive: delete what matches, a batch per transaction, until nothing does. */
async function deleteMatchingRows(
  ctx: JobContext,
  conditions: SQL[],
  checkpoint: PurgeCheckpoint,
  receipt: Receipt,
): Promise<void> {
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const { unheld } = await lockHoldsForDeleting(tx);
      await lockSealChain(tx, true);
      await ctx.fault('holds-read');
      await allowDelete(tx);
      const victims = unheld ? [...conditions, unheld] : conditions;
      const gone = await queryRows<{ id: string }>(
        tx,
        sql`WITH victims AS (
              SELECT occurred_at, id FROM ${events} WHERE ${whereAll(victims)} LIMIT ${DELETE_BATCH}),
            gone AS (
              DELETE FROM ${events} e USING victims v
              WHERE e.occurred_at = v.occurred_at AND e.id = v.id
              RETURNING e.id, e.event_id, ${countedColumns('e')}),
            counted AS (${insertCountDeltas(sql`gone`, -1)}),
            keys_gone AS (${forgetEventKeys(sql`gone`)})
            SELECT id::text FROM gone ORDER BY gone.id`,
      );
      await receipt(tx, [gone.map((row) => BigInt(row.id))]);
      checkpoint.deleted += gone.length;
      await saveCheckpoint(tx, ctx.job.id, checkpoint);
      return gone.length;
    });
    if (n === 0) return;
    await ctx.fault('batch-deleted');
    await ctx.progress(
      50,
      `Deleted ${checkpoint.deleted.toLocaleString('en')} events`,
      checkpoint as unknown as Record<string, unknown>,
    );
  }
}

/** What a canceled purge (or retention run) says it did. */
export function purgeCanceledSummary(job: Job): string {
  const checkpoint = job.result as unknown as PurgeCheckpoint | null;
  return `Canceled after removing ${(checkpoint?.deleted ?? 0).toLocaleString('en')} events; the rest are intact`;
}

export function purgeJobHandler(deps: JobDeps): JobHandler {
  return {
    run: (ctx) => {
      const params = ctx.job.params as unknown as PurgeParams;
      return runPurge(ctx, deps, {
        before: new Date(params.before),
        filter: params.filter,
        archive: params.archive,
        format: params.format,
      });
    },
    canceledSummary: purgeCanceledSummary,
  };
}
