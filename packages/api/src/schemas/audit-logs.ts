import { EVENT_STATUSES, JOB_STATES, MAX_EVENT_BATCH, STORE_OUTCOMES } from '@audit/db';
import { z } from 'zod';

import { FACET_FIELDS } from '../data/event-counts';
import { MAX_LIST_OFFSET, SORT_FIELDS } from '../data/events';
import { eventFilterSchema } from '../filters/schema';
import { isoDate } from './dates';
import { eventInputShape, eventOutputShape } from './event-fields';
import { timeZoneSchema } from './time-zone';
import { decimalIdSchema, instantSchema } from './values';

/** The shapes of the auditLogs procedures, inputs beside outputs. */

// ---------------------------------------------------------------- record

/**
 * One event as a service records it. Unknown fields are refused, so a typo is not silently
 * dropped; a producerSeq counts within its producer, so it comes with a producerId.
 */
export const eventInputSchema = z
  .object(eventInputShape())
  .strict()
  .superRefine((event, ctx) => {
    if (event.producerSeq != null && event.producerId == null) {
      ctx.addIssue({
        code: 'custom',
        path: ['producerSeq'],
        message: 'needs a producerId: a sequence number counts within one producer',
      });
    }
  });

export const recordInputSchema = z
  .object({
    events: z
      .array(eventInputSchema)
      .min(1, 'give at least one event')
      .max(MAX_EVENT_BATCH, `at most ${MAX_EVENT_BATCH} events per call; split the batch`),
  })
  .strict();

export const recordOutput = z.object({
  /** Newly stored. */
  stored: z.number(),
  /** Their eventId was stored earlier with the same content (a retry): not stored again. */
  duplicates: z.number(),
  /**
   * Their eventId was stored earlier with other content (another occurredAt given, or
   * another field): not stored; the event stored first stays. A caller reusing eventIds.
   */
  conflicts: z.number(),
  events: z.array(
    z.object({
      /** The stored event's id and occurredAt: this one's, or the earlier one's. */
      id: z.string(),
      eventId: z.string(),
      occurredAt: isoDate,
      outcome: z.enum(STORE_OUTCOMES),
      /** outcome === 'created' (kept for clients of the first API version). */
      created: z.boolean(),
    }),
  ),
});

// ---------------------------------------------------------------- list and byId

/** One stored event, every field. */
export const eventOutput = z.object(eventOutputShape());

export const sortSchema = z
  .object({ field: z.enum(SORT_FIELDS), direction: z.enum(['asc', 'desc']).default('desc') })
  .strict();

export const listInputSchema = z
  .object({
    filter: eventFilterSchema.optional(),
    /** Default: newest first. */
    sort: sortSchema.optional(),
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(2000, 'must be at most 2000')
      .default(50),
    /** From a previous page's nextCursor or prevCursor. */
    cursor: z.string().max(2000).optional(),
    /**
     * Rows to skip before the page, for clients that page by number (not with `cursor`);
     * the page's cursors go on from there.
     */
    offset: z
      .number()
      .int()
      .min(0, 'must not be negative')
      .max(MAX_LIST_OFFSET, `must be at most ${MAX_LIST_OFFSET}; page deeper with nextCursor`)
      .default(0),
    /** false skips counting (a little faster when only the rows matter, as for iteration). */
    withTotal: z.boolean().default(true),
  })
  .strict();

export const listOutput = z.object({
  items: z.array(eventOutput),
  nextCursor: z.string().nullable(),
  prevCursor: z.string().nullable(),
  total: z.number().nullable(),
  totalIsEstimate: z.boolean(),
});

export const byIdInputSchema = z
  .object({
    id: decimalIdSchema,
    /** The event's occurredAt, when known: the lookup then reads one partition. */
    occurredAt: instantSchema.optional(),
  })
  .strict();

export const jobSummaryOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  state: z.enum(JOB_STATES),
  percent: z.number(),
  summary: z.string().nullable(),
  scheduledAt: isoDate,
  startedAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
});

export const byIdOutput = eventOutput.extend({ job: jobSummaryOutput.nullable() });

// ---------------------------------------------------------------- histogram and facets

/** Where a histogram or facets answer came from, and whether it counts every matching event. */
export const countBasisOutput = z.object({
  /** true: every matching event is counted. */
  exact: z.boolean(),
  /** `rollups`: the kept counts (plus events at the range's ends); `events`: a bounded read of events. */
  source: z.enum(['rollups', 'events']),
  /** Set when not exact because only the newest events were read: they are counted from here on. */
  since: isoDate.nullable(),
  /** How many events were read from the events table to answer. */
  eventsRead: z.number(),
});

export const histogramInputSchema = z
  .object({
    filter: eventFilterSchema.optional(),
    /** About how many buckets to cut the range into. */
    buckets: z.number().int().min(1).max(500).default(60),
    /** Day and longer buckets start at midnight in this IANA zone. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .strict();

export const histogramOutput = z.object({
  /** Bucket length in ms (a day or a week is a calendar one in timeZone), or "month". */
  bucket: z.union([z.number(), z.literal('month')]),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  /** Every bucket of the range, empty ones included. */
  buckets: z.array(
    z.object({
      start: isoDate,
      total: z.number(),
      byStatus: z.object(
        Object.fromEntries(EVENT_STATUSES.map((s) => [s, z.number()])) as Record<
          (typeof EVENT_STATUSES)[number],
          z.ZodNumber
        >,
      ),
    }),
  ),
  basis: countBasisOutput,
});

export const facetsInputSchema = z
  .object({
    filter: eventFilterSchema.optional(),
    fields: z.array(z.enum(FACET_FIELDS)).min(1).optional(),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export const facetsOutput = z.object({
  /** The most frequent values of each asked field, most frequent first. */
  fields: z.partialRecord(
    z.enum(FACET_FIELDS),
    z.array(z.object({ value: z.string().nullable(), count: z.number() })),
  ),
  basis: countBasisOutput,
});
