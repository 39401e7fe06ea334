import { jobs, type Database, type Job } from '@audit/db';
import { and, desc, eq, inArray } from 'drizzle-orm';

/** A job the service keeps on its schedule once a day, at a given UTC hour. */
export interface DailyJob {
  type: string;
  name: string;
  hourUtc: number;
  /** Serialises processes starting at once, so the job is scheduled once. */
  lockKey: number;
}

/** The next `hourUtc`:00 UTC after `now`. */
export function nextDailyRun(now: Date, hourUtc: number): Date {
  const next = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc),
  );
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/** The run of this type scheduled or running, if any (none once an admin canceled it). */
export async function pendingJobOfType(db: Database, type: string): Promise<Job | null> {
  const [pending] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, type), inArray(jobs.state, ['scheduled', 'in_progress'])))
    .orderBy(desc(jobs.id))
    .limit(1);
  return pending ?? null;
}

/** The last run of this type that ended. */
export async function lastEndedJobOfType(db: Database, type: string): Promise<Job | null> {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.type, type), inArray(jobs.state, ['success', 'failure', 'canceled'])))
    .orderBy(desc(jobs.endedAt), desc(jobs.id))
    .limit(1);
  return job ?? null;
}

/**
 * Makes sure a daily job is on the schedule (once, whatever the number of processes
 * starting). Each run schedules the next one when it ends (its recurrence).
 */
export async function ensureDailyJob(db: Database, daily: DailyJob, now: Date): Promise<Job> {
  return db.transaction(async (tx) => {
    await tx.execute(`SELECT pg_advisory_xact_lock(${daily.lockKey})`);
    const pending = await pendingJobOfType(tx, daily.type);
    if (pending) return pending;
    const first = nextDailyRun(now, daily.hourUtc);
    const [created] = await tx
      .insert(jobs)
      .values({
        name: daily.name,
        type: daily.type,
        scheduledAt: first,
        recurrence: { interval: 'P1D', startsAt: first.toISOString() },
        createdBy: 'system',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error('insert returned nothing');
    return created;
  });
}
