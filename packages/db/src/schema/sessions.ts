import { relations } from 'drizzle-orm';
import { index, inet, pgSequence, pgTable, text } from 'drizzle-orm/pg-core';

import { bigintId, serialId, timestampMs } from './columns';
import { users } from './users';

export const sessionsIdSequence = pgSequence('sessions_id_seq');

/** A signed-in browser. Only a SHA-256 of the cookie's secret is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: serialId('sessions_id_seq').primaryKey(),
    userId: bigintId('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_key'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    lastSeenAt: timestampMs('last_seen_at').notNull().defaultNow(),
    expiresAt: timestampMs('expires_at').notNull(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
