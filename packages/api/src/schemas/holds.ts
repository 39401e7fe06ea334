import { z } from 'zod';

import { eventFilterSchema } from '../filters/schema';
import { isoDate } from './dates';
import { decimalIdSchema, shortText } from './values';

/** The shapes of the legal-holds procedures, inputs beside outputs. */

/** How many events a hold keeps now: exact up to 10 000, else the planner's estimate. */
export const heldCountOutput = z.object({
  count: z.number(),
  /** True when `count` is the planner's estimate rather than a count. */
  isEstimate: z.boolean(),
});

/** A hold as the API shows it. */
export const holdOutput = z.object({
  id: z.string(),
  name: z.string(),
  reason: z.string(),
  /** The event filter it holds (as validated: lists as arrays, instants as ISO strings). */
  filter: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: isoDate,
  releasedBy: z.string().nullable(),
  releasedAt: isoDate.nullable(),
  /** In force: purge and retention keep what it matches. */
  active: z.boolean(),
  /** The events it keeps now; null once released (it keeps none). */
  held: heldCountOutput.nullable(),
});

// ---------------------------------------------------------------- list

export const listInputSchema = z
  .object({
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(50),
    /** The last id of the previous page (`nextCursor`). */
    cursor: decimalIdSchema.optional(),
  })
  .strict()
  .default({ limit: 50 });

export const listOutput = z.object({
  /** Newest first, active and released. */
  items: z.array(holdOutput),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------- create

export const createInputSchema = z
  .object({
    /** What the hold is called (a case, a matter). */
    name: shortText(200),
    /** Why events are kept: shown beside the hold and recorded with it. */
    reason: shortText(2000),
    /** The events to keep: the one event filter (search box `q`, fields, `where`, time range). */
    filter: eventFilterSchema,
  })
  .strict();

// ---------------------------------------------------------------- release

export const releaseInputSchema = z.object({ id: decimalIdSchema }).strict();
