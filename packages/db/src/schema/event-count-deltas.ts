import { pgTable, smallint, text } from 'drizzle-orm/pg-core';

import { timestampMs } from './columns';
import { COUNTED_FIELDS, type CountedField } from './event-counts';
import { events, eventStatus } from './events';

const textArray = (name: string) => text(name).array().notNull();

/** One array column per counted field, named like its column in events. */
const countedFieldArrays = Object.fromEntries(
  Object.entries(COUNTED_FIELDS).map(([field, column]) => [field, textArray(column.name)]),
) as Record<CountedField, ReturnType<typeof textArray>>;

/**
 * Changes to event_counts not yet added in. The statement that stores (or deletes) a batch
 * of events appends one row here holding what counting needs of each of its events, as
 * arrays in event order: one small write per batch whatever its spread in time, and no lock
 * another batch waits for. Compaction (compactEventCounts) adds the rows into event_counts
 * in the background; reads add up both meanwhile. No index: written far more than read,
 * and kept small.
 */
export const eventCountDeltas = pgTable('event_count_deltas', {
  /** 1: the events were stored; -1: they were deleted. */
  sign: smallint('sign').notNull(),
  /** The batch's earliest and latest occurredAt: reads skip batches outside their range. */
  firstAt: timestampMs('first_at').notNull(),
  lastAt: timestampMs('last_at').notNull(),
  tenant: textArray(events.tenant.name),
  occurredAt: timestampMs(events.occurredAt.name).array().notNull(),
  status: eventStatus(events.status.name).array().notNull(),
  ...countedFieldArrays,
});
