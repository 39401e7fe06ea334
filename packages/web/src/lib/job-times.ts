import type { Job } from '../trpc';

/** How long a job ran, or has been running; null before it starts. */
export function jobDurationMs(
  job: Pick<Job, 'startedAt' | 'endedAt'>,
  now: number = Date.now(),
): number | null {
  if (!job.startedAt) return null;
  const end = job.endedAt ? Date.parse(job.endedAt) : now;
  return Math.max(0, end - Date.parse(job.startedAt));
}
