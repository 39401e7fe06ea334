import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  pgEnum,
  pgTable,
  text,
  unique,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

import { byteText, timestampMs } from './columns';
import { events, eventStatus } from './events';
import { COUNTED_FIELD_NAMES, type CountedField } from '../event-fields';
import { COUNT_GRAINS } from '../values';

export { COUNT_GRAINS, type CountGrain } from '../values';

/**
 * Fields whose values are counted (declared `facet: 'counted'`): their facets, and a filter
 * on one of them, answer from counts.
 */
export const COUNTED_FIELDS = Object.fromEntries(
  COUNTED_FIELD_NAMES.map((field) => [field, events[field]]),
) as { [K in CountedField]: (typeof events)[K] } satisfies Record<string, AnyPgColumn>;
export type { CountedField };
export { COUNTED_FIELD_NAMES };

/** The dimension of the counts per tenant × status alone (the histogram's, the tenant and status facets'). */
export const ALL_EVENTS = '*' as const;
export type CountDimension = typeof ALL_EVENTS | CountedField;
export const COUNT_DIMENSIONS: readonly CountDimension[] = [ALL_EVENTS, ...COUNTED_FIELD_NAMES];

export const countGrain = pgEnum('count_grain', COUNT_GRAINS);

/**
 * How many events there are per time bucket × tenant × status (dimension `*`), and per
 * value of each counted field (dimension = the field's name, e.g. `userName`), at every
 * grain: what the histogram and the facets answer from without reading events. Exact at
 * all times together with event_count_deltas, which holds what is not yet added in here
 * (src/event-counts.ts keeps both).
 */
export const eventCounts = pgTable(
  'event_counts',
  {
    dimension: text('dimension').notNull(),
    grain: countGrain('grain').notNull(),
    /** Start of the bucket (on its grain's UTC boundaries, so within one monthly partition). */
    bucket: timestampMs('bucket').notNull(),
    tenant: byteText('tenant').notNull(),
    status: eventStatus('status').notNull(),
    /** The field's value (NULL for a NULL); always NULL for dimension `*`. */
    value: byteText('value'),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [
    // Every read names a dimension, a grain and a bucket range; the rest narrows within it.
    unique('event_counts_key')
      .on(t.dimension, t.grain, t.bucket, t.tenant, t.status, t.value)
      .nullsNotDistinct(),
    // A filter on a field's values reads only their rows (a user's, not every user's).
    index('event_counts_value_idx')
      .on(t.dimension, t.value, t.grain, t.bucket)
      .where(sql`${t.value} IS NOT NULL`),
  ],
);

export type EventCount = typeof eventCounts.$inferSelect;
