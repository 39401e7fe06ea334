import { bigint, index, pgTable, primaryKey } from 'drizzle-orm/pg-core';

import { byteText, timestampMs } from './columns';

/**
 * Lost-event detection (producer-seqs.ts). Events carry their producer's id and their number in
 * its sequence; these tables keep, per (tenant, producer), the highest number seen and the
 * ranges of numbers below it that never arrived. They hold no events: a purge leaves them be
 * (a purged event did arrive). Keyed by tenant first, like every table a store distributed by
 * tenant keeps with the tenant's events.
 */

const seq = (name: string) => bigint(name, { mode: 'number' });

/**
 * The sequence numbers each batch of events brought, appended by the statement that stores
 * the batch (insertEvents: one row per producer in the batch): an insert only, so that
 * concurrent batches of one producer never wait for each other. compactProducerSeqs folds
 * them into producers and producer_gaps, and deletes them. No index: written far more than read.
 */
export const producerSeqDeltas = pgTable('producer_seq_deltas', {
  tenant: byteText('tenant').notNull(),
  producerId: byteText('producer_id').notNull(),
  /** The numbers the batch carried for this producer, retries and repeats included. */
  seqs: seq('seqs').array().notNull(),
  /** The server's clock when the batch was stored: when a gap it reveals opened. */
  seenAt: timestampMs('seen_at').notNull(),
});

/** One producer's high-water mark: the highest sequence number seen from it, and when. */
export const producers = pgTable(
  'producers',
  {
    tenant: byteText('tenant').notNull(),
    producerId: byteText('producer_id').notNull(),
    highSeq: seq('high_seq').notNull(),
    firstSeenAt: timestampMs('first_seen_at').notNull(),
    lastSeenAt: timestampMs('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ name: 'producers_pkey', columns: [t.tenant, t.producerId] })],
);

/**
 * A range of sequence numbers below its producer's high-water mark that have not arrived:
 * `first_seq` to `last_seq`, `missing` of them. `missing` is the whole range unless the
 * producer had more open ranges than are kept (MAX_GAP_RANGES), when its lowest ranges were
 * merged into one that counts only what was missing in them.
 */
export const producerGaps = pgTable(
  'producer_gaps',
  {
    tenant: byteText('tenant').notNull(),
    producerId: byteText('producer_id').notNull(),
    firstSeq: seq('first_seq').notNull(),
    lastSeq: seq('last_seq').notNull(),
    missing: seq('missing').notNull(),
    /** When a higher number arrived first: the gap is reported once it has been open a while. */
    since: timestampMs('since').notNull(),
  },
  (t) => [
    primaryKey({ name: 'producer_gaps_pkey', columns: [t.tenant, t.producerId, t.firstSeq] }),
    index('producer_gaps_since_idx').on(t.since),
  ],
);

export type Producer = typeof producers.$inferSelect;
export type ProducerGap = typeof producerGaps.$inferSelect;
