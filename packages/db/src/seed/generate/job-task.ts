/**
 * Tasks that run as jobs. Each declares what an attempt works on, why it may be turned
 * down, and the job it starts; `jobTask` plays out the outcome. The parts are thunks so
 * that each random draw happens only on the path that needs it, in the same order.
 */
import type { AffectedObject, EventChanges } from '../../schema';
import type { Rng } from './random';
import type { Session } from './session';
import type { Detail, JobDraft, Make, Outcome, Task, TaskOptions } from './task';
import { detail, task } from './task';
import type { TaskContext } from './task-context';

/** A job draft before its schedule is drawn. */
export type JobFields = Omit<JobDraft, 'interval' | 'deferred'>;

export interface JobTaskOptions extends TaskOptions {
  /** Share of the accepted attempts recorded when scheduled rather than when done… */
  scheduled: number;
  /** …and of those, the share scheduled to recur, */
  recurring?: number;
  /** …at one of these ISO-8601 intervals. */
  intervals?: readonly string[];
  /** Keep the accepted entry's description for a completed job instead of its summary. */
  keepDescription?: boolean;
}

/** How an accepted attempt reads: its job, and the sentence that schedules it or a fixed text. */
export type Accepted = {
  job: JobFields;
  /** What the job found, when that (not the attempt's target) is what the entry touched. */
  affected?: AffectedObject[];
  /** The HTTP status a REST call that starts a job answers with. */
  resultCode?: string;
} & ({ what: string } | { description: string });

export interface JobPlan {
  /** The entry's objectType and objectName. */
  object: readonly [type: string | null, name: string | null];
  /** What the attempt touches, whichever way it goes. */
  affected?: AffectedObject[];
  changes?: EventChanges | null;
  /** Turned down before any job existed: the reason, or the whole entry where it differs. */
  rejected: () => string | Detail;
  accepted: () => Accepted;
}

/** `plan` draws what the attempt works on; the outcome decides which of its parts run. */
export function jobTask(
  name: string,
  workspace: string | null,
  weight: number,
  options: JobTaskOptions,
  plan: (g: TaskContext, s: Session) => JobPlan,
): Task {
  const make: Make = (g, s, o) => {
    const p = plan(g, s);
    return o === 'failure' ? rejectedEntry(p) : acceptedEntry(g.rng, name, options, p, o);
  };
  return {
    ...task(name, workspace, weight, options, make),
    runsJob: true,
    scheduled: options.scheduled,
    recurring: options.recurring ?? 0,
  };
}

function rejectedEntry(p: JobPlan): Detail {
  const rejected = p.rejected();
  if (typeof rejected !== 'string') return rejected;
  const [type, name] = p.object;
  return detail(type, name, rejected, p.affected, p.changes ?? null);
}

function acceptedEntry(
  rng: Rng,
  taskName: string,
  options: JobTaskOptions,
  p: JobPlan,
  o: Outcome,
): Detail {
  const accepted = p.accepted();
  const job = jobDraft(rng, o, accepted.job, options.intervals);
  const description = describe(taskName, o, job, accepted, options.keepDescription ?? false);
  const [type, name] = p.object;
  const affected = accepted.affected ?? p.affected;
  const resultCode = accepted.resultCode ?? null;
  return detail(type, name, description, affected, p.changes ?? null, job, resultCode);
}

function jobDraft(
  rng: Rng,
  o: Outcome,
  fields: JobFields,
  intervals: readonly string[] = ['P1D'],
): JobDraft {
  const recurring = o === 'recurring';
  return {
    ...fields,
    interval: recurring ? rng.pick(intervals) : null,
    deferred: o === 'job' && rng.chance(0.5),
  };
}

/** How a finished job went, or what a scheduled one will do. */
function describe(
  taskName: string,
  o: Outcome,
  job: JobDraft,
  accepted: Accepted,
  keepDescription: boolean,
): string {
  if (!keepDescription && o === 'success') return job.okSummary;
  if (!keepDescription && o === 'failedJob') return `${taskName} failed: ${job.failSummary}`;
  if ('description' in accepted) return accepted.description;
  return schedulingSentence(o, job, accepted.what);
}

const INTERVAL_TEXT: Record<string, string> = {
  PT6H: 'every 6 hours',
  PT12H: 'every 12 hours',
  P1D: 'daily',
  P7D: 'weekly',
  P1M: 'monthly',
};

/** The scheduling sentence of a job task's event (the job's id is not known yet). */
function schedulingSentence(o: Outcome, job: JobDraft, what: string): string {
  if (o === 'recurring') {
    return `Recurring job scheduled (${INTERVAL_TEXT[job.interval ?? 'P1D'] ?? 'recurring'}): ${what}`;
  }
  return job.deferred
    ? `Job scheduled for the maintenance window: ${what}`
    : `Job scheduled: ${what}`;
}

/** A job's run time, mostly near `minMs`. */
export const duration = (rng: Rng, minMs: number, maxMs: number) => {
  const r = rng.next();
  return Math.round(minMs + (maxMs - minMs) * r * r);
};
