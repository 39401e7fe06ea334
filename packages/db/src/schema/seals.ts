import { relations } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';

import { bigintId, timestampMs } from './columns';
import { SEAL_ENTRY_KINDS } from '../values';

export { SEAL_ENTRY_KINDS, type SealEntryKind } from '../values';

export const sealEntryKind = pgEnum('seal_entry_kind', SEAL_ENTRY_KINDS);

/** Raw bytes (bytea), handed over as a Buffer by both drivers' callers (see integrity/). */
export const bytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * The seal chain (docs/integrity.md): every entry is a statement in canonical JSON, signed
 * with the server's Ed25519 key and naming the hash of the entry before it. A `checkpoint`
 * covers the events whose id lies in (after_id, through_id] and keeps their leaves (id and
 * hash, 40 bytes each); a `purge` receipt says which sealed events a purge removed (its
 * bitmaps are in seal_purge_covers). Append-only: migrations/0011 refuses UPDATE and DELETE.
 */
export const sealEntries = pgTable(
  'seal_entries',
  {
    /** Position in the chain, from 1, without gaps. */
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    kind: sealEntryKind('kind').notNull(),
    /** The signed bytes: the statement's canonical JSON (UTF-8). */
    statement: text('statement').notNull(),
    /** Ed25519 signature over `statement`, base64. */
    signature: text('signature').notNull(),
    /** Checkpoints: the id range covered, (after_id, through_id]. */
    afterId: bigintId('after_id'),
    throughId: bigintId('through_id'),
    /** Checkpoints: per event in id order, its id (8 bytes, big-endian) and leaf hash (32). */
    leaves: bytes('leaves'),
    sealedAt: timestampMs('sealed_at').notNull().defaultNow(),
  },
  (t) => [
    index('seal_entries_through_id_idx').on(t.throughId),
    index('seal_entries_sealed_at_idx').on(t.sealedAt),
  ],
);

/**
 * Which leaves of one checkpoint a purge receipt removed: a bitmap over the checkpoint's
 * leaf positions (bit i of byte i >> 3, least significant first). The receipt's signed
 * statement holds the hash of its covers, in checkpoint order.
 */
export const sealPurgeCovers = pgTable(
  'seal_purge_covers',
  {
    receiptSeq: bigint('receipt_seq', { mode: 'number' })
      .notNull()
      .references(() => sealEntries.seq),
    checkpointSeq: bigint('checkpoint_seq', { mode: 'number' })
      .notNull()
      .references(() => sealEntries.seq),
    removed: bytes('removed').notNull(),
    removedCount: integer('removed_count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'seal_purge_covers_pkey', columns: [t.receiptSeq, t.checkpointSeq] }),
    index('seal_purge_covers_checkpoint_idx').on(t.checkpointSeq),
  ],
);

export const sealPurgeCoversRelations = relations(sealPurgeCovers, ({ one }) => ({
  receipt: one(sealEntries, {
    fields: [sealPurgeCovers.receiptSeq],
    references: [sealEntries.seq],
  }),
}));

export type SealEntry = typeof sealEntries.$inferSelect;
export type SealPurgeCover = typeof sealPurgeCovers.$inferSelect;
