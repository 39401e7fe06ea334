import { EXPORT_FORMATS } from '@audit/db';
import { z } from 'zod';

import { eventFilterSchema } from '../filters/schema';
import { isoDate } from './dates';
import { instantSchema } from './values';

/** The shapes of the purge procedures, inputs beside outputs. */

/** Which events a purge removes; preview and create take the same. */
const purgeScope = {
  /** Events strictly before this instant. */
  before: instantSchema,
  /** Narrows the purge further; without it, everything before the cut goes. */
  filter: eventFilterSchema.optional(),
};

// ---------------------------------------------------------------- preview

export const previewInputSchema = z.object(purgeScope).strict();

export const previewOutput = z.object({
  /** The events a purge would remove now. */
  count: z.number(),
  /** The events it matches that legal holds keep (not in `count`). */
  held: z.number(),
  before: isoDate,
});

// ---------------------------------------------------------------- create

export const createInputSchema = z
  .object({
    ...purgeScope,
    archive: z.boolean(),
    format: z.enum(EXPORT_FORMATS).default('csv'),
  })
  .strict();
