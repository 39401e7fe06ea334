import { hostname } from 'node:os';

import { jobs, type AuditDb, type Database, type Job, type NewJob } from '@audit/db';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';

import { isDatabaseUnavailable } from '../data/db-errors';
import { nextRun } from './recurrence';

/** What a job's code sees while it runs. */
export interface JobContext {
  job: Job;
  store: AuditDb;
  db: Database;
  now(): Date;
  /** Records progress, keeps the claim alive, and throws JobCanceled if a cancel was asked. */
  progress(percent: number, summary?: string, checkpoint?: Record<string, unknown>): Promise<void>;
  /** Aborted once a cancel is seen, for work that can stop mid-stream. */
  signal: AbortSignal;
  /** Test hook: called at each named step where a crash must leave the data safe. */
  fault(point: string): Promise<void>;
}

export interface JobOutcome {
  summary: string;
  result: Record<string, unknown>;
}

export interface JobHandler {
  run(ctx: JobContext): Promise<JobOutcome>;
  /**
   * Called when a cancel is seen, after the handler's own cleanup: the summary of a
   * canceled job (e.g. how many rows a purge had removed before it stopped).
   */
  canceledSummary?(job: Job): string;
}

export class JobCanceled extends Error {
  override name = 'JobCanceled';
}

/** Thrown by a fault hook to play a process dying at that point: nothing more is written. */
export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

export interface JobRunnerOptions {
  store: AuditDb;
  handlers: Record<string, JobHandler>;
  clock?: () => Date;
  /** How long a claim lasts without a sign of life before another process may take the job. */
  leaseMs?: number;
  pollMs?: number;
  /** An interrupted job is tried again this many times in all, then marked failed. */
  maxAttempts?: number;
  faults?: (point: string, job: Job) => void | Promise<void>;
  onError?: (error: unknown, job?: Job) => void;
  /** A run this process finished: how it ended, and how long it took. */
  onRunEnded?: (job: Job, outcome: 'success' | 'failure' | 'canceled', seconds: number) => void;
}

/**
 * Runs export, purge and retention jobs. Work is claimed with FOR UPDATE SKIP LOCKED, so
 * several API processes can share it; a claim is a lease that running jobs renew, and a job
 * whose lease ran out (its process died) is taken up again or, after maxAttempts, failed.
 */
export class JobRunner {
  readonly workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Jobs this process had in hand when the database went away: handed back once it answers. */
  private readonly interrupted = new Set<string>();

  constructor(private readonly options: JobRunnerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  private get db(): Database {
    return this.options.store.db;
  }

  /** Polls for work until stop(). */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = (async () => {
        try {
          await this.handBackInterrupted();
          await this.recoverInterrupted();
          while (!this.stopped && (await this.runOnce())) {
            // keep going while there is work
          }
        } catch (error) {
          this.options.onError?.(error);
        }
      })().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
      });
    };
    tick();
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Ends this process's claims now, for a shutdown that cannot wait for the job in hand:
   * another process takes the job up at once and resumes it from its last checkpoint, as
   * after a crash (which every handler is built to survive). Returns how many it released.
   */
  async releaseClaims(): Promise<number> {
    const released = await this.db
      .update(jobs)
      .set({ lockedUntil: this.clock() })
      .where(and(eq(jobs.lockedBy, this.workerId), eq(jobs.state, 'in_progress')))
      .returning({ id: jobs.id });
    return released.length;
  }

  /**
   * Jobs whose claim expired: their process died mid-way. Scheduled again (their handler
   * resumes from its checkpoint), or failed once they have had maxAttempts.
   */
  async recoverInterrupted(): Promise<number> {
    const now = this.clock();
    const stale = await this.db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.state, 'in_progress'),
          lt(jobs.lockedUntil, now),
          inArray(jobs.type, Object.keys(this.options.handlers)),
        ),
      );
    for (const job of stale) {
      const exhausted = job.attempts >= this.maxAttempts;
      await this.db
        .update(jobs)
        .set(
          exhausted
            ? {
                state: 'failure',
                endedAt: now,
                error: `interrupted ${job.attempts} times; giving up`,
                lockedBy: null,
                lockedUntil: null,
                updatedAt: now,
              }
            : {
                // Due now, but no later than it was: a recurring job's next run steps from
                // scheduledAt (resetting it to now shifted a daily schedule to the hour of
                // the resumption).
                state: 'scheduled',
                scheduledAt: sql`least(${jobs.scheduledAt}, ${now.toISOString()}::timestamptz)`,
                summary: `Interrupted; resuming (attempt ${job.attempts + 1})`,
                lockedBy: null,
                lockedUntil: null,
                updatedAt: now,
              },
        )
        // Only if nobody else recovered it meanwhile.
        .where(and(eq(jobs.id, job.id), eq(jobs.state, 'in_progress'), lt(jobs.lockedUntil, now)));
    }
    return stale.length;
  }

  /** Claims and runs one due job. False when there was none. */
  async runOnce(): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  private async claim(): Promise<Job | undefined> {
    const now = this.clock();
    const types = Object.keys(this.options.handlers);
    const [job] = await this.db
      .update(jobs)
      .set({
        state: 'in_progress',
        startedAt: sql`coalesce(${jobs.startedAt}, ${now.toISOString()}::timestamptz)`,
        lockedBy: this.workerId,
        lockedUntil: new Date(now.getTime() + this.leaseMs),
        attempts: sql`${jobs.attempts} + 1`,
        updatedAt: now,
      })
      .where(
        eq(
          jobs.id,
          sql`(SELECT id FROM ${jobs}
               WHERE state = 'scheduled' AND scheduled_at <= ${now.toISOString()}::timestamptz
                 AND type IN ${types} AND NOT cancel_requested
               ORDER BY scheduled_at, id LIMIT 1
               FOR UPDATE SKIP LOCKED)`,
        ),
      )
      .returning();
    return job;
  }

  private async execute(claimed: Job): Promise<void> {
    const startedAt = performance.now();
    const ended = (outcome: 'success' | 'failure' | 'canceled') => {
      this.options.onRunEnded?.(claimed, outcome, (performance.now() - startedAt) / 1000);
    };
    const handler = this.options.handlers[claimed.type];
    if (!handler) throw new Error(`no handler for job type ${claimed.type}`);
    const abort = new AbortController();
    const job = claimed;
    const ctx: JobContext = {
      job,
      store: this.options.store,
      db: this.db,
      now: this.clock,
      signal: abort.signal,
      fault: async (point) => {
        await this.options.faults?.(point, job);
      },
      progress: async (percent, summary, checkpoint) => {
        const now = this.clock();
        const [row] = await this.db
          .update(jobs)
          .set({
            percent: Math.max(0, Math.min(100, Math.floor(percent))),
            ...(summary !== undefined ? { summary } : {}),
            ...(checkpoint !== undefined ? { result: checkpoint } : {}),
            lockedUntil: new Date(now.getTime() + this.leaseMs),
            updatedAt: now,
          })
          .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, this.workerId)))
          .returning({ cancelRequested: jobs.cancelRequested });
        if (!row) throw new Error(`job ${job.id} is no longer ours`);
        if (row.cancelRequested) {
          abort.abort(new JobCanceled());
          throw new JobCanceled();
        }
      },
    };

    try {
      const outcome = await handler.run(ctx);
      const now = this.clock();
      await this.end(
        job,
        { state: 'success', percent: 100, summary: outcome.summary, result: outcome.result },
        now,
      );
      ended('success');
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error; // the "process" is gone: write nothing
      if (isDatabaseUnavailable(error)) {
        await this.interrupt(job, error);
        return;
      }
      let outcome: 'failure' | 'canceled';
      try {
        outcome = await this.recordFailure(job, error, abort.signal, handler);
      } catch (recordError) {
        // The job's end could not be written: it is as good as interrupted.
        if (!isDatabaseUnavailable(recordError)) throw recordError;
        await this.interrupt(job, recordError);
        return;
      }
      ended(outcome);
    }
  }

  /**
   * The database went away under a job: not the job's failure. Its claim is handed back (now,
   * or on a later poll once the database answers) and it runs again from its checkpoint, as
   * after a crash.
   */
  private async interrupt(job: Job, error: unknown): Promise<void> {
    this.interrupted.add(job.id);
    this.options.onError?.(error, job);
    try {
      await this.handBackInterrupted();
    } catch {
      // Still out of reach: the next poll tries again.
    }
  }

  /** Schedules again the jobs interrupted by an outage; a cancel asked meanwhile wins. */
  private async handBackInterrupted(): Promise<void> {
    if (this.interrupted.size === 0) return;
    const ids = [...this.interrupted];
    const now = this.clock();
    const ours = and(
      inArray(jobs.id, ids),
      eq(jobs.lockedBy, this.workerId),
      eq(jobs.state, 'in_progress'),
    );
    await this.db.transaction(async (tx) => {
      await tx
        .update(jobs)
        .set({
          state: 'canceled',
          summary: 'Canceled',
          endedAt: now,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
        .where(and(ours, eq(jobs.cancelRequested, true)));
      await tx
        .update(jobs)
        .set({
          state: 'scheduled',
          // As recoverInterrupted: due now, but a recurring job keeps its schedule.
          scheduledAt: sql`least(${jobs.scheduledAt}, ${now.toISOString()}::timestamptz)`,
          summary: 'Interrupted: the database was unavailable; resuming',
          // An outage is not the job's doing: it uses up no attempt.
          attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
        .where(ours);
    });
    for (const id of ids) this.interrupted.delete(id);
  }

  /** A run that failed or was canceled: its end, as the job shows it. */
  private async recordFailure(
    claimed: Job,
    error: unknown,
    signal: AbortSignal,
    handler: JobHandler,
  ): Promise<'failure' | 'canceled'> {
    const now = this.clock();
    const [current] = await this.db.select().from(jobs).where(eq(jobs.id, claimed.id));
    const job = current ?? claimed;
    const canceled = error instanceof JobCanceled || (signal.aborted && job.cancelRequested);
    if (!canceled) this.options.onError?.(error, job);
    await this.end(
      job,
      {
        state: canceled ? 'canceled' : 'failure',
        summary: canceled ? (handler.canceledSummary?.(job) ?? 'Canceled') : job.summary,
        error: canceled ? null : describeFailure(error),
      },
      now,
    );
    return canceled ? 'canceled' : 'failure';
  }

  /** Ends a run as `outcome` says, releasing its claim; a recurring job's next run goes in with it. */
  private async end(
    job: Job,
    outcome: Pick<NewJob, 'state' | 'summary'> &
      Partial<Pick<NewJob, 'percent' | 'result' | 'error'>>,
    now: Date,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(jobs)
        .set({ ...outcome, endedAt: now, lockedBy: null, lockedUntil: null, updatedAt: now })
        .where(eq(jobs.id, job.id));
      await this.scheduleNext(tx, job, now);
    });
  }

  /** A recurring job, once a run ends, schedules its next run. */
  private async scheduleNext(tx: Database, job: Job, now: Date): Promise<void> {
    if (!job.recurrence) return;
    const next = nextRun(job.scheduledAt, job.recurrence.interval, now);
    if (job.recurrence.endsAt && next > new Date(job.recurrence.endsAt)) return;
    await tx.insert(jobs).values({
      tenant: job.tenant,
      name: job.name,
      type: job.type,
      state: 'scheduled',
      scheduledAt: next,
      recurrence: job.recurrence,
      createdBy: job.createdBy,
      params: job.params,
      createdAt: now,
      updatedAt: now,
    });
  }
}

/** A failure as a job shows it: the message, never a stack. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}
