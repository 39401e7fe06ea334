/** What a task is, and the entry one attempt at it produces. */
import type { AffectedObject, EventChanges, EventStatus } from '../../schema';
import type { Rng } from './random';
import type { Session } from './session';
import type { TaskContext } from './task-context';
import type { Device } from './world';

/**
 * What became of one attempt. A job-based task is recorded either when its job is
 * scheduled (`job`, `recurring`) or once the job has run (`success`, `failedJob`), as
 * Junos Space's Success/Failure "Job is completed / Job failed" do; `failure` is an
 * attempt rejected before any job existed.
 */
export type Outcome = 'success' | 'failure' | 'failedJob' | 'job' | 'recurring';

export const STATUS_OF: Record<Outcome, EventStatus> = {
  success: 'success',
  failure: 'failure',
  failedJob: 'failure',
  job: 'job_scheduled',
  recurring: 'recurring_job_scheduled',
};

export interface JobDraft {
  name: string;
  type: string;
  params: Record<string, unknown>;
  durationMs: number;
  /** How many items the job works through (devices, sites…), for progress summaries. */
  count: number;
  unit: string;
  okSummary: string;
  failSummary: string;
  /** ISO-8601 recurrence interval, or null for a one-off job. */
  interval: string | null;
  /** One-off jobs sometimes wait for the night's maintenance window. */
  deferred: boolean;
}

export interface Detail {
  objectType: string | null;
  objectName: string | null;
  description: string | null;
  resultCode: string | null;
  affected: AffectedObject[];
  changes: EventChanges | null;
  job: JobDraft | null;
}

/** Builds one attempt's entry; `g` gives the randomness and what the session works on. */
export type Make = (g: TaskContext, s: Session, o: Outcome) => Detail;

export interface Task {
  name: string;
  workspace: string | null;
  weight: number;
  /** Share of attempts that fail (for job-based tasks, half before and half in the job). */
  fail: number;
  /** Runs as a job: `make` returns a job draft unless the outcome is `failure`. */
  runsJob: boolean;
  /** Share of the other attempts recorded when scheduled rather than when done… */
  scheduled: number;
  /** …and of those, the share scheduled to recur. */
  recurring: number;
  /** Keep `make`'s description for a completed job instead of the job's summary. */
  keepDescription: boolean;
  make: Make;
}

export interface TaskOptions {
  fail?: number;
  /** Set for job-based tasks: the share recorded as job_scheduled (see Task.scheduled). */
  job?: number;
  recurring?: number;
  keepDescription?: boolean;
}

export function task(
  name: string,
  workspace: string | null,
  weight: number,
  options: TaskOptions,
  make: Make,
): Task {
  return {
    name,
    workspace,
    weight,
    fail: options.fail ?? 0.04,
    runsJob: options.job !== undefined,
    scheduled: options.job ?? 0,
    recurring: options.recurring ?? 0,
    keepDescription: options.keepDescription ?? false,
    make,
  };
}

export function detail(
  objectType: string | null,
  objectName: string | null,
  description: string | null,
  affected: AffectedObject[] = [],
  changes: EventChanges | null = null,
  job: JobDraft | null = null,
  resultCode: string | null = null,
): Detail {
  return { objectType, objectName, description, resultCode, affected, changes, job };
}

/** Shared and frozen: one per device, not one per event, keeps a chunk's garbage small. */
export const deviceObject = (d: Device): AffectedObject => d.affected;

export const plural = (n: number, word: string) => (n === 1 ? `1 ${word}` : `${n} ${word}s`);

const INTERVAL_TEXT: Record<string, string> = {
  PT6H: 'every 6 hours',
  PT12H: 'every 12 hours',
  P1D: 'daily',
  P7D: 'weekly',
  P1M: 'monthly',
};

export function jobDraft(
  g: TaskContext,
  o: Outcome,
  fields: Omit<JobDraft, 'interval' | 'deferred'>,
  intervals: readonly string[] = ['P1D'],
): JobDraft {
  const recurring = o === 'recurring';
  return {
    ...fields,
    interval: recurring ? g.rng.pick(intervals) : null,
    deferred: o === 'job' && g.rng.chance(0.5),
  };
}

export const duration = (rng: Rng, minMs: number, maxMs: number) => {
  const r = rng.next();
  return Math.round(minMs + (maxMs - minMs) * r * r);
};

/** The scheduling sentence of a job task's event (the job's id is not known yet). */
export function scheduled(o: Outcome, job: JobDraft, what: string): string {
  if (o === 'recurring') {
    return `Recurring job scheduled (${INTERVAL_TEXT[job.interval ?? 'P1D'] ?? 'recurring'}): ${what}`;
  }
  return job.deferred
    ? `Job scheduled for the maintenance window: ${what}`
    : `Job scheduled: ${what}`;
}
