import { sessions, users, type Database } from '@audit/db';
import { eq } from 'drizzle-orm';

import { newSecret, sha256Hex } from '../auth/secrets';
import { SESSION_IDLE_MS } from './principals';

/** Starts a session; returns the secret for the cookie (only its hash is stored). */
export async function createSession(
  db: Database,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  now: Date,
): Promise<string> {
  const secret = newSecret('');
  await db.insert(sessions).values({
    userId,
    tokenHash: sha256Hex(secret),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
  await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId));
  return secret;
}

export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user; returns how many there were. */
export async function deleteUserSessions(db: Database, userId: string): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return ended.length;
}
