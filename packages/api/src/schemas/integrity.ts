import { z } from 'zod';

import { isoDate } from './dates';
import { shortText } from './values';

/** The shapes of the integrity procedures, inputs beside outputs. */

// ---------------------------------------------------------------- gaps

/** How long a sequence gap may stay open before it is reported: 5 minutes. */
export const DEFAULT_GAP_GRACE_SECONDS = 300;

/** Most gaps one answer lists (`limit`). */
export const MAX_GAPS_LISTED = 1000;

export const gapsInputSchema = z
  .object({
    /** Only this tenant's producers (an API token sees its own tenant only, whatever this says). */
    tenant: shortText(200).optional(),
    /** Only this producer. */
    producerId: shortText(200).optional(),
    /**
     * Gaps open for less than this many seconds are not reported yet: batches sent at once
     * arrive out of order, and a retry may still bring the missing events.
     */
    graceSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(0, 'must not be negative')
      .max(31_536_000, 'must be at most 31536000 (a year)')
      .default(DEFAULT_GAP_GRACE_SECONDS),
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(MAX_GAPS_LISTED, `must be at most ${MAX_GAPS_LISTED}`)
      .default(100),
  })
  .strict()
  .default({ graceSeconds: DEFAULT_GAP_GRACE_SECONDS, limit: 100 });

/** Events a producer numbered and the server never received. */
export const gapOutput = z.object({
  tenant: z.string(),
  producerId: z.string(),
  /** The first and last missing sequence numbers. */
  firstMissing: z.number(),
  lastMissing: z.number(),
  /** How many are missing: the whole range when `exact`. */
  count: z.number(),
  /**
   * false when the producer had more open ranges than are kept per producer (1000), and its
   * lowest ones were merged into this one: `count` of the numbers in it are missing.
   */
  exact: z.boolean(),
  /** When a higher number arrived first: the gap has been open since. */
  since: isoDate,
  /** The highest sequence number received from the producer, and when it last sent anything. */
  highSeq: z.number(),
  lastSeenAt: isoDate,
});

export const gapsOutput = z.object({
  /** Gaps open longer than the grace period, by tenant, producer and sequence number. */
  gaps: z.array(gapOutput),
  /** More gaps match than `limit`. */
  truncated: z.boolean(),
  /** Gaps open for less than the grace period (not listed: they may still close). */
  pending: z.number(),
  graceSeconds: z.number(),
  /** The server's time the answer holds for. */
  asOf: isoDate,
});
