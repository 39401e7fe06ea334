import { pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';

import { byteText, timestampMs } from './columns';

/**
 * Which eventIds each tenant has stored, and when each one occurred. events is partitioned
 * by month, and a unique key on a partitioned table must hold the partition key, so events
 * alone can only refuse the same eventId at the same occurredAt. This table's key is
 * (tenant, eventId) whatever the time: an insert claims the key here first and stores the
 * event only if it got it (insertEvents), so a retry is stored once whatever occurredAt it
 * carries or omits. tenant leads the key so that a store distributed by tenant (Citus) keeps
 * it unique shard by shard, co-located with the tenant's events.
 *
 * Rows leave with their events, in the statement or transaction of the purge that deletes
 * them; like events, the table refuses UPDATE and refuses DELETE outside a purge
 * (migrations/0009).
 */
export const eventKeys = pgTable(
  'event_keys',
  {
    tenant: byteText('tenant').notNull(),
    eventId: uuid('event_id').notNull(),
    /** Where the event is: with (tenant, eventId), the events row's primary key. */
    occurredAt: timestampMs('occurred_at').notNull(),
  },
  (t) => [primaryKey({ name: 'event_keys_pkey', columns: [t.tenant, t.eventId] })],
);
