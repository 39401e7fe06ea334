import {
  apiTokens,
  sessions,
  users,
  type Database,
  type TokenScope,
  type UserRole,
} from '@audit/db';
import { and, eq, gt, isNull, or } from 'drizzle-orm';

import { sha256Hex } from '../auth/secrets';

/** Who is calling: a person signed in through the web app, or a service with an API token. */
export type Principal = UserPrincipal | TokenPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  username: string;
  role: UserRole;
  /** Null when the request carried the password itself (HTTP Basic): there is no session. */
  sessionId: string | null;
}

export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  name: string;
  scopes: TokenScope[];
  systemId: string | null;
  /** A token reads and writes only its own tenant's events. */
  tenant: string;
}

/** The tenant a principal is limited to: a token only ever sees its own; people see all (null). */
export function tenantScopeOf(principal: Principal): string | null {
  return principal.kind === 'token' ? principal.tenant : null;
}

/** The name recorded as the actor of what a principal does. */
export function actorName(principal: Principal): string {
  return principal.kind === 'user' ? principal.username : `token:${principal.name}`;
}

/** How long a session lives without use, and how often its expiry is pushed back. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
const SESSION_REFRESH_MS = 5 * 60 * 1000;

export async function findSessionPrincipal(
  db: Database,
  secret: string,
  now: Date,
): Promise<UserPrincipal | null> {
  const [row] = await db
    .select({
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      userId: users.id,
      username: users.username,
      role: users.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(secret)),
        gt(sessions.expiresAt, now),
        eq(users.disabled, false),
      ),
    );
  if (!row) return null;
  // Sliding expiry, written at most every few minutes rather than on every request.
  if (now.getTime() - row.lastSeenAt.getTime() > SESSION_REFRESH_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
      .where(eq(sessions.id, row.sessionId));
  }
  return { kind: 'user', ...row };
}

export async function findTokenPrincipal(
  db: Database,
  secret: string,
  now: Date,
): Promise<TokenPrincipal | null> {
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      name: apiTokens.name,
      scopes: apiTokens.scopes,
      systemId: apiTokens.systemId,
      tenant: apiTokens.tenant,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, sha256Hex(secret)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  }
  const { lastUsedAt: _lastUsedAt, ...token } = row;
  return { kind: 'token', ...token };
}
