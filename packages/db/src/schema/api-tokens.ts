import { relations } from 'drizzle-orm';
import { pgEnum, pgSequence, pgTable, text } from 'drizzle-orm/pg-core';

import { bigintId, serialId, timestampMs } from './columns';
import { users } from './users';
import { TOKEN_SCOPES } from '../values';

export { TOKEN_SCOPES, type TokenScope } from '../values';

export const tokenScope = pgEnum('token_scope', TOKEN_SCOPES);

export const apiTokensIdSequence = pgSequence('api_tokens_id_seq');

/** A service's bearer token. Shown once at creation; only its SHA-256 is kept. */
export const apiTokens = pgTable('api_tokens', {
  id: serialId('api_tokens_id_seq').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_key'),
  /** The first characters of the token, so a person can tell tokens apart. */
  prefix: text('prefix').notNull(),
  scopes: tokenScope('scopes').array().notNull(),
  /** Recorded as the event's systemId when the caller gives none. */
  systemId: text('system_id'),
  tenant: text('tenant').notNull().default('default'),
  createdBy: bigintId('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestampMs('created_at').notNull().defaultNow(),
  lastUsedAt: timestampMs('last_used_at'),
  expiresAt: timestampMs('expires_at'),
  revokedAt: timestampMs('revoked_at'),
});

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  creator: one(users, { fields: [apiTokens.createdBy], references: [users.id] }),
}));

export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;
