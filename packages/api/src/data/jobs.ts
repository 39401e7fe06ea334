import {
  BUILTIN_JOB_TYPES,
  jobs,
  type Database,
  type Job,
  type JobRecurrence,
  type JobState,
} from '@audit/db';
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';

import { ConflictError, InvalidInputError, NotFoundError } from './errors';

/** Puts a job of ours on the schedule, due now. */
export async function createJob(
  db: Database,
  job: {
    /** The token's tenant; null for a user's (installation-wide) job. */
    tenant: string | null;
    name: string;
    type: string;
    createdBy: string;
    params: object;
  },
  now: Date,
): Promise<Job> {
  const [created] = await db
    .insert(jobs)
    .values({
      ...job,
      params: job.params as Record<string, unknown>,
      scheduledAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

export interface JobListOptions {
  state?: JobState[] | undefined;
  type?: string[] | undefined;
  tenant?: string | null;
  limit: number;
  /** The last id of the previous page (jobs are listed newest first). */
  beforeId?: string | undefined;
}

export async function listJobs(db: Database, options: JobListOptions) {
  const conditions: SQL[] = [];
  if (options.state) conditions.push(inArray(jobs.state, options.state));
  if (options.type) conditions.push(inArray(jobs.type, options.type));
  if (options.tenant) conditions.push(eq(jobs.tenant, options.tenant));
  if (options.beforeId) conditions.push(lt(jobs.id, options.beforeId));
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.id))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  return {
    items,
    nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null,
  };
}

export async function getJob(db: Database, id: string, tenant: string | null): Promise<Job> {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, id), tenant ? eq(jobs.tenant, tenant) : undefined));
  if (!job) throw new NotFoundError(`id: no job ${id}`);
  return job;
}

/**
 * Cancels a job: one not yet started ends at once; a running one is asked to stop and
 * its runner ends it at the next safe point (between batches).
 */
export async function cancelJob(db: Database, id: string, now: Date): Promise<Job> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id)).for('update');
  if (!job) throw new NotFoundError(`id: no job ${id}`);
  if (job.state === 'success' || job.state === 'failure' || job.state === 'canceled') {
    throw new ConflictError(`job ${id} has already ended (${job.state})`);
  }
  const [updated] = await db
    .update(jobs)
    .set(
      job.state === 'scheduled'
        ? {
            state: 'canceled',
            cancelRequested: true,
            endedAt: now,
            updatedAt: now,
            summary: 'Canceled before it started',
          }
        : { cancelRequested: true, updatedAt: now },
    )
    .where(eq(jobs.id, id))
    .returning();
  if (!updated) throw new Error('update returned nothing');
  return updated;
}

export interface JobReport {
  key: string;
  name: string;
  type: string;
  state: JobState;
  percent?: number | undefined;
  summary?: string | null | undefined;
  scheduledAt?: Date | undefined;
  startedAt?: Date | null | undefined;
  endedAt?: Date | null | undefined;
  recurrence?: JobRecurrence | null | undefined;
  params?: Record<string, unknown> | undefined;
  result?: Record<string, unknown> | null | undefined;
  error?: string | null | undefined;
}

/**
 * Creates or updates a service's own job, named by the service's key. Times the service
 * leaves out are filled from the state (started when it starts, ended when it ends).
 */
export async function reportJob(
  db: Database,
  reporter: { tenant: string; systemId: string; createdBy: string },
  report: JobReport,
  now: Date,
): Promise<{ job: Job; created: boolean }> {
  // The job runner runs every scheduled job of its own types: a reported one of those types
  // would run with the reporter's parameters (a purge of any tenant's events, say).
  if ((BUILTIN_JOB_TYPES as readonly string[]).includes(report.type)) {
    throw new InvalidInputError(
      `type: "${report.type}" is a type of this service's own jobs (${BUILTIN_JOB_TYPES.join(', ')}); report your jobs under types of your own`,
    );
  }
  const finished =
    report.state === 'success' || report.state === 'failure' || report.state === 'canceled';
  // Reports of one key wait for each other: the first creates the job, the rest update it
  // (a row lock cannot do this while the row does not exist yet).
  const lockKey = JSON.stringify([reporter.tenant, reporter.systemId, report.key]);
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${lockKey}))`);
  const [existing] = await db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.tenant, reporter.tenant),
        eq(jobs.systemId, reporter.systemId),
        eq(jobs.externalKey, report.key),
      ),
    )
    .for('update');
  const values = {
    name: report.name,
    type: report.type,
    state: report.state,
    percent: report.percent ?? (report.state === 'success' ? 100 : (existing?.percent ?? 0)),
    ...(report.summary !== undefined ? { summary: report.summary } : {}),
    ...(report.scheduledAt !== undefined ? { scheduledAt: report.scheduledAt } : {}),
    startedAt:
      report.startedAt !== undefined
        ? report.startedAt
        : (existing?.startedAt ?? (report.state === 'scheduled' ? null : now)),
    endedAt:
      report.endedAt !== undefined ? report.endedAt : finished ? (existing?.endedAt ?? now) : null,
    ...(report.recurrence !== undefined ? { recurrence: report.recurrence } : {}),
    ...(report.params !== undefined ? { params: report.params } : {}),
    ...(report.result !== undefined ? { result: report.result } : {}),
    ...(report.error !== undefined ? { error: report.error } : {}),
    updatedAt: now,
  };
  if (existing) {
    const [job] = await db.update(jobs).set(values).where(eq(jobs.id, existing.id)).returning();
    if (!job) throw new Error('update returned nothing');
    return { job, created: false };
  }
  const [job] = await db
    .insert(jobs)
    .values({
      ...values,
      tenant: reporter.tenant,
      systemId: reporter.systemId,
      externalKey: report.key,
      createdBy: reporter.createdBy,
      scheduledAt: report.scheduledAt ?? now,
      createdAt: now,
    })
    .returning();
  if (!job) throw new Error('insert returned nothing');
  return { job, created: true };
}
