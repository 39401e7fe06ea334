import { relations, sql } from 'drizzle-orm';
import { boolean, pgEnum, pgSequence, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

import { apiTokens } from './api-tokens';
import { serialId, timestampMs } from './columns';
import { sessions } from './sessions';
import { USER_ROLES } from '../values';

export { USER_ROLES, type UserRole } from '../values';

export const userRole = pgEnum('user_role', USER_ROLES);

export const usersIdSequence = pgSequence('users_id_seq');

export const users = pgTable(
  'users',
  {
    id: serialId('users_id_seq').primaryKey(),
    username: text('username').notNull(),
    /** scrypt, self-describing: `scrypt$N$r$p$salt$hash`. */
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull().default('auditor'),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    lastLoginAt: timestampMs('last_login_at'),
  },
  (t) => [uniqueIndex('users_username_idx').on(sql`lower(${t.username})`)],
);

export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  apiTokens: many(apiTokens),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
