import { jobs, settings, type Database, type Job } from '@audit/db';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';

import { retentionSettingsSchema } from '../schemas/retention';
import { purgeCanceledSummary, runPurge, type PurgeCheckpoint } from './purge-job';
import type { JobDeps } from './handlers';
import type { JobHandler } from './runner';

export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The reference portal keeps audits 90 days; so do we unless told otherwise. */
export const DEFAULT_RETENTION: RetentionSettings = { days: 90, archive: true };

const RETENTION_KEY = 'retention';
export const RETENTION_JOB_NAME = 'Retention: remove old events';
/** Runs at 03:00 UTC, a quiet hour for most. */
const RETENTION_HOUR_UTC = 3;

export async function getRetention(db: Database): Promise<RetentionSettings> {
  const [row] = await db.select().from(settings).where(eq(settings.key, RETENTION_KEY));
  const parsed = retentionSettingsSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_RETENTION;
}

export async function setRetention(
  db: Database,
  value: RetentionSettings,
  by: string,
  now: Date,
): Promise<void> {
  await db
    .insert(settings)
    .values({ key: RETENTION_KEY, value, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now, updatedBy: by } });
}

/** The next 03:00 UTC after `now`. */
export function nextRetentionRun(now: Date): Date {
  const next = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), RETENTION_HOUR_UTC),
  );
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/**
 * Makes sure the daily retention job is on the schedule (once, whatever the number of
 * processes starting). Each run schedules the next one when it ends.
 */
export async function ensureRetentionJob(db: Database, now: Date): Promise<Job> {
  return db.transaction(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock(7412003004)');
    const pending = await pendingRetentionJob(tx);
    if (pending) return pending;
    const [created] = await tx
      .insert(jobs)
      .values({
        name: RETENTION_JOB_NAME,
        type: 'retention',
        scheduledAt: nextRetentionRun(now),
        recurrence: { interval: 'P1D', startsAt: nextRetentionRun(now).toISOString() },
        createdBy: 'system',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error('insert returned nothing');
    return created;
  });
}

/** The retention run scheduled or running, if any (none once an admin canceled it). */
export async function pendingRetentionJob(db: Database): Promise<Job | null> {
  const [pending] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, 'retention'), inArray(jobs.state, ['scheduled', 'in_progress'])))
    .orderBy(desc(jobs.id))
    .limit(1);
  return pending ?? null;
}

/** The last retention run that ended, with what it removed. */
export async function lastRetentionRun(db: Database): Promise<Job | null> {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, 'retention'), inArray(jobs.state, ['success', 'failure', 'canceled'])))
    .orderBy(desc(jobs.endedAt), desc(jobs.id))
    .limit(1);
  return job ?? null;
}

/** Each run reads the settings as they are then, and purges through the purge job's path. */
export function retentionJobHandler(deps: JobDeps): JobHandler {
  return {
    async run(ctx) {
      const retention = await getRetention(ctx.db);
      const cut = new Date(ctx.now().getTime() - retention.days * 86_400_000);
      // A resumed run keeps the cut it started with (stored in its checkpoint).
      const started = ctx.job.result as unknown as PurgeCheckpoint | null;
      return runPurge(ctx, deps, {
        before: started?.before ? new Date(started.before) : cut,
        filter: {},
        archive: retention.archive,
        format: 'csv',
      });
    },
    canceledSummary: purgeCanceledSummary,
  };
}
