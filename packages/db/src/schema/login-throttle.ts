import { integer, pgTable, text } from 'drizzle-orm/pg-core';

import { timestampMs } from './columns';

/**
 * Failed sign-ins per user name and per client IP (`user:alice`, `ip:10.0.0.7`). Kept in
 * the database rather than in memory so that every API process sees the same count.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  firstFailureAt: timestampMs('first_failure_at').notNull(),
  lastFailureAt: timestampMs('last_failure_at').notNull(),
  blockedUntil: timestampMs('blocked_until'),
});

export type LoginThrottle = typeof loginThrottle.$inferSelect;
