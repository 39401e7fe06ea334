/** The row for the job behind an event: when it ran, how far it got, how it ended. */
import type { JobRecurrence, JobState } from '../../schema';
import type { Rng } from './random';
import type { Session } from './session';
import { plural } from './task';
import type { JobDraft, Outcome } from './task';
import { DAY, HOUR, MINUTE } from './time';
import type { SeedJob } from './types';

interface JobRun {
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  state: JobState;
  percent: number;
  summary: string | null;
}

/**
 * A completed job ended at the event (`success`, `failedJob`); a scheduled one starts now
 * or in the night's window, and its state follows from its times and `end` (so only the
 * newest are still scheduled or running).
 */
export function jobRow(
  rng: Rng,
  end: number,
  s: Session,
  at: number,
  draft: JobDraft,
  outcome: Outcome,
): SeedJob {
  const run =
    outcome === 'success' || outcome === 'failedJob'
      ? completedRun(rng, at, draft, outcome === 'success')
      : scheduledRun(rng, end, s, at, draft);
  const recurrence = recurrenceOf(rng, draft, run.scheduledAt);
  const running = run.state !== 'scheduled';
  const finished = running && run.state !== 'in_progress';
  return {
    tenant: s.world.tenant,
    name: draft.name,
    type: draft.type,
    state: run.state,
    percent: run.percent,
    summary: run.summary,
    scheduledAt: new Date(run.scheduledAt),
    startedAt: running ? new Date(run.startedAt) : null,
    endedAt: finished ? new Date(run.endedAt) : null,
    recurrence,
    createdBy: s.user.spec.name,
    params: draft.params,
  };
}

function completedRun(rng: Rng, at: number, draft: JobDraft, ok: boolean): JobRun {
  const endedAt = at;
  const startedAt = at - draft.durationMs;
  const scheduledAt = startedAt - rng.between(150, 4000);
  return {
    scheduledAt,
    startedAt,
    endedAt,
    state: ok ? 'success' : 'failure',
    percent: ok ? 100 : rng.between(5, 95),
    summary: ok ? draft.okSummary : draft.failSummary,
  };
}

function scheduledRun(rng: Rng, end: number, s: Session, at: number, draft: JobDraft): JobRun {
  let scheduledAt = at;
  if (draft.interval !== null || draft.deferred) {
    // Next night's window: 01:00–03:45 UTC on a quarter hour.
    scheduledAt = (Math.floor(at / DAY) + 1) * DAY + HOUR + rng.int(12) * 15 * MINUTE;
  }
  const startedAt = scheduledAt + rng.between(150, 4000);
  const endedAt = startedAt + draft.durationMs;
  const times = { scheduledAt, startedAt, endedAt };
  if (startedAt > end) return { ...times, state: 'scheduled', percent: 0, summary: null };
  if (endedAt > end) {
    const percent = Math.min(
      99,
      Math.max(1, Math.floor((100 * (end - startedAt)) / draft.durationMs)),
    );
    const done = Math.floor((draft.count * percent) / 100);
    return {
      ...times,
      state: 'in_progress',
      percent,
      summary: `${done} of ${plural(draft.count, draft.unit)} completed`,
    };
  }
  return ranBeforeEnd(rng, s, draft, times);
}

/** A scheduled job that has run by `end`: mostly fine, sometimes failed or canceled. */
function ranBeforeEnd(
  rng: Rng,
  s: Session,
  draft: JobDraft,
  times: Pick<JobRun, 'scheduledAt' | 'startedAt' | 'endedAt'>,
): JobRun {
  const r = rng.next();
  if (r < 0.88) return { ...times, state: 'success', percent: 100, summary: draft.okSummary };
  if (r < 0.97) {
    const percent = rng.between(5, 95);
    return { ...times, state: 'failure', percent, summary: draft.failSummary };
  }
  const percent = rng.between(0, 90);
  return {
    ...times,
    endedAt: times.startedAt + Math.floor((draft.durationMs * percent) / 100),
    state: 'canceled',
    percent,
    summary: `Canceled by ${s.user.spec.name === 'system' ? 'super' : s.user.spec.name}`,
  };
}

function recurrenceOf(rng: Rng, draft: JobDraft, scheduledAt: number): JobRecurrence | null {
  if (draft.interval === null) return null;
  const recurrence: JobRecurrence = {
    interval: draft.interval,
    startsAt: new Date(scheduledAt).toISOString(),
  };
  if (rng.chance(0.2)) recurrence.endsAt = new Date(scheduledAt + 180 * DAY).toISOString();
  return recurrence;
}
