import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';

import { timestampMs } from './columns';

/** Service-wide settings by key, e.g. `retention` → `{ days, archive }`. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

export type Setting = typeof settings.$inferSelect;
