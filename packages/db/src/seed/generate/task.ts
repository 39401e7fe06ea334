/** What a task is, and the entry one attempt at it produces. */
import type { AffectedObject, EventChanges, EventStatus } from '../../schema';
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
  make: Make;
}

export interface TaskOptions {
  fail?: number;
}

/** A task done on the spot: success or failure, no job. */
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
    runsJob: false,
    scheduled: 0,
    recurring: 0,
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
