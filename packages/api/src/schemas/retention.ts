import { z } from 'zod';

import { jobOutput } from './jobs';

/** The shapes of the retention procedures, inputs beside outputs. */

/** What `retention.set` takes, and what the retention job keeps in the settings table. */
export const retentionSettingsSchema = z
  .object({
    /** Events older than this many days are removed by the daily retention job. */
    days: z.number().int().min(1, 'must be at least 1').max(36_500, 'must be at most 36500'),
    /** Archive what is removed first. */
    archive: z.boolean(),
  })
  .strict();

/** The settings, and the job that applies them. */
export const retentionOutput = retentionSettingsSchema.extend({
  /** The daily job's next run. */
  nextRun: jobOutput.nullable(),
  /** The last run that ended: its result holds how many events it removed and the archive. */
  lastRun: jobOutput.nullable(),
});

// ---------------------------------------------------------------- get

export const getInputSchema = z.void();
