import { jsonb, pgSequence, pgTable, text } from 'drizzle-orm/pg-core';

import { serialId, timestampMs } from './columns';

export const legalHoldsIdSequence = pgSequence('legal_holds_id_seq');

/**
 * A legal hold: the events its filter matches (the one filter schema, as the API validated
 * it) are kept by purge and retention until it is released. Released holds stay, for the
 * record.
 */
export const legalHolds = pgTable('legal_holds', {
  id: serialId('legal_holds_id_seq').primaryKey(),
  name: text('name').notNull(),
  reason: text('reason').notNull(),
  filter: jsonb('filter').$type<Record<string, unknown>>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestampMs('created_at').notNull().defaultNow(),
  releasedBy: text('released_by'),
  releasedAt: timestampMs('released_at'),
});

export type LegalHold = typeof legalHolds.$inferSelect;
export type NewLegalHold = typeof legalHolds.$inferInsert;
