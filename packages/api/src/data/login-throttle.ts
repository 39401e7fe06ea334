import { loginThrottle, type Database } from '@audit/db';
import { inArray, sql } from 'drizzle-orm';

/**
 * Brute-force defence for sign-in. Failures are counted per user name and per client IP
 * over a window; past a few, each answer is slowed; past the limit, sign-in for that
 * name or IP is refused until the block ends. A success clears the user's count.
 */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  slowAfter: 3,
  stepMs: 500,
  maxDelayMs: 5000,
  blockMs: 15 * 60 * 1000,
  maxFailuresPerUser: 10,
  maxFailuresPerIp: 30,
} as const;

export function throttleKeys(username: string, ip: string | null): string[] {
  const keys = [`user:${username.toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** When sign-in for any of these keys is refused until, or null. */
export async function blockedUntil(db: Database, keys: string[], now: Date): Promise<Date | null> {
  const rows = await db
    .select({ blockedUntil: loginThrottle.blockedUntil })
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, keys));
  const until = rows
    .map((row) => row.blockedUntil)
    .filter((date): date is Date => date !== null && date > now)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return until ?? null;
}

/** Counts a failure for each key; returns how long to hold the answer back. */
export async function recordLoginFailure(db: Database, keys: string[], now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs).toISOString();
  const blockEnd = new Date(now.getTime() + THROTTLE.blockMs).toISOString();
  const nowIso = now.toISOString();
  let worst = 0;
  for (const key of keys) {
    const limit = key.startsWith('user:') ? THROTTLE.maxFailuresPerUser : THROTTLE.maxFailuresPerIp;
    // A window that has passed starts over.
    const [row] = await db
      .insert(loginThrottle)
      .values({ key, failures: 1, firstFailureAt: now, lastFailureAt: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`CASE WHEN ${loginThrottle.firstFailureAt} < ${windowStart}::timestamptz
                          THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
          firstFailureAt: sql`CASE WHEN ${loginThrottle.firstFailureAt} < ${windowStart}::timestamptz
                                THEN ${nowIso}::timestamptz ELSE ${loginThrottle.firstFailureAt} END`,
          lastFailureAt: now,
        },
      })
      .returning({ failures: loginThrottle.failures });
    const failures = row?.failures ?? 1;
    if (failures >= limit) {
      await db
        .update(loginThrottle)
        .set({ blockedUntil: sql`${blockEnd}::timestamptz`, failures: 0, firstFailureAt: now })
        .where(sql`${loginThrottle.key} = ${key}`);
    }
    worst = Math.max(worst, failures);
  }
  return worst <= THROTTLE.slowAfter
    ? 0
    : Math.min((worst - THROTTLE.slowAfter) * THROTTLE.stepMs, THROTTLE.maxDelayMs);
}

export async function clearLoginFailures(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottle).where(sql`${loginThrottle.key} = ${key}`);
}
