import { settings, type Database, type Job } from '@audit/db';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';

import { retentionSettingsSchema } from '../schemas/retention';
import { ensureDailyJob, lastEndedJobOfType, pendingJobOfType, type DailyJob } from './daily-job';
import { purgeCanceledSummary, runPurge, type PurgeCheckpoint } from './purge-job';
import type { JobDeps } from './handlers';
import type { JobHandler } from './runner';

export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The reference portal keeps audits 90 days; so do we unless told otherwise. */
export const DEFAULT_RETENTION: RetentionSettings = { days: 90, archive: true };

const RETENTION_KEY = 'retention';

export const DAILY_RETENTION: DailyJob = {
  type: 'retention',
  name: 'Retention: remove old events',
  /** 03:00 UTC, a quiet hour for most. */
  hourUtc: 3,
  lockKey: 7_412_003_004,
};

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

/** Makes sure the daily retention job is on the schedule (once, whatever the number of processes starting). */
export function ensureRetentionJob(db: Database, now: Date): Promise<Job> {
  return ensureDailyJob(db, DAILY_RETENTION, now);
}

/** The retention run scheduled or running, if any (none once an admin canceled it). */
export function pendingRetentionJob(db: Database): Promise<Job | null> {
  return pendingJobOfType(db, DAILY_RETENTION.type);
}

/** The last retention run that ended, with what it removed. */
export function lastRetentionRun(db: Database): Promise<Job | null> {
  return lastEndedJobOfType(db, DAILY_RETENTION.type);
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
