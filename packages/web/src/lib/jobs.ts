import type { JobState } from '@audit/db/values';

import type { Job } from '../trpc';

export const JOB_STATE_LABELS: Record<JobState, { label: string; color: string }> = {
  scheduled: { label: 'Scheduled', color: 'gray' },
  in_progress: { label: 'In progress', color: 'blue' },
  success: { label: 'Success', color: 'green' },
  failure: { label: 'Failure', color: 'red' },
  canceled: { label: 'Canceled', color: 'orange' },
};

export function isFinished(state: JobState): boolean {
  return state === 'success' || state === 'failure' || state === 'canceled';
}

/** The archive an export or purge job wrote, from its result. */
export function jobArchive(job: Job): { id: string; fileName: string } | null {
  const result = job.result;
  if (!result) return null;
  const direct = { id: result.archiveId, fileName: result.fileName };
  const nested = result.archive as { id?: unknown; fileName?: unknown } | null | undefined;
  const candidate = typeof direct.id === 'string' ? direct : nested;
  if (!candidate || typeof candidate.id !== 'string' || typeof candidate.fileName !== 'string') {
    return null;
  }
  return { id: candidate.id, fileName: candidate.fileName };
}

export function archiveDownloadUrl(archiveId: string): string {
  return `/archives/${encodeURIComponent(archiveId)}/download`;
}
