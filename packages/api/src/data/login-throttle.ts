import { loginThrottle, type Database } from '@audit/db';
import { inArray, sql } from 'drizzle-orm';

/**
 * Brute-force defence for sign-in. Failures are counted over a window per user name, per
 * user name from one client IP, and per client IP:
 * - per user name, they only slow the answers (distributed guessing is slowed, but a
 *   stranger's failures never lock the real user out from elsewhere);
 * - per user name from one IP, past the limit that pair is refused until the block ends
 *   (at most maxFailuresPerUser guesses at one user from one source per window);
 * - per IP, past its limit that source is refused, whatever names it tries.
 *
 * An attempt is counted *before* its password is checked (one atomic upsert), and given
 * back when it succeeds: counting only after a failed check would let guesses sent in
 * parallel all pass the limit before any of them is counted.
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

/** The keys one attempt counts against: the user's, the user's from this IP, the IP's. */
export function throttleKeys(username: string, ip: string | null): string[] {
  const user = username.toLowerCase();
  const source = ip ?? 'unknown';
  return [`user:${user}`, `pair:${source} ${user}`, `ip:${source}`];
}

/** Failures a key allows before its block; a user's own count never blocks, it only slows. */
function limitOf(key: string): number | null {
  if (key.startsWith('pair:')) return THROTTLE.maxFailuresPerUser;
  if (key.startsWith('ip:')) return THROTTLE.maxFailuresPerIp;
  return null;
}

export interface AttemptVerdict {
  /** Refused until then; the password must not be checked. */
  blockedUntil: Date | null;
  /** If this attempt fails, how long to hold the answer back. */
  delayMs: number;
}

/** Counts one attempt against every key and says whether it may go ahead. */
export async function registerLoginAttempt(
  db: Database,
  keys: string[],
  now: Date,
): Promise<AttemptVerdict> {
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs).toISOString();
  const blockEnd = new Date(now.getTime() + THROTTLE.blockMs).toISOString();
  let worst = 0;
  let blockedUntil: Date | null = null;
  for (const key of [...keys].sort()) {
    // No limit: a count no window reaches.
    const limit = limitOf(key) ?? 2_000_000_000;
    const stillBlocked = sql`${loginThrottle.blockedUntil} > ${nowIso}::timestamptz`;
    const windowOver = sql`${loginThrottle.firstFailureAt} < ${windowStart}::timestamptz`;
    const counted = sql`CASE WHEN ${windowOver} THEN 1 ELSE ${loginThrottle.failures} + 1 END`;
    // While blocked nothing is counted; otherwise one more, and past the limit a block
    // starts (and the count starts over for when it ends).
    const [row] = await db
      .insert(loginThrottle)
      .values({ key, failures: 1, firstFailureAt: now, lastFailureAt: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`CASE WHEN ${stillBlocked} THEN ${loginThrottle.failures}
                             WHEN ${counted} > ${limit} THEN 0 ELSE ${counted} END`,
          firstFailureAt: sql`CASE WHEN ${stillBlocked} THEN ${loginThrottle.firstFailureAt}
                                   WHEN ${windowOver} OR ${counted} > ${limit} THEN ${nowIso}::timestamptz
                                   ELSE ${loginThrottle.firstFailureAt} END`,
          lastFailureAt: now,
          blockedUntil: sql`CASE WHEN ${stillBlocked} THEN ${loginThrottle.blockedUntil}
                                 WHEN ${counted} > ${limit} THEN ${blockEnd}::timestamptz
                                 ELSE NULL END`,
        },
      })
      .returning({ failures: loginThrottle.failures, blockedUntil: loginThrottle.blockedUntil });
    if (row?.blockedUntil && row.blockedUntil > now) {
      if (!blockedUntil || row.blockedUntil > blockedUntil) blockedUntil = row.blockedUntil;
    }
    worst = Math.max(worst, row?.failures ?? 0);
  }
  return {
    blockedUntil,
    delayMs:
      worst <= THROTTLE.slowAfter
        ? 0
        : Math.min((worst - THROTTLE.slowAfter) * THROTTLE.stepMs, THROTTLE.maxDelayMs),
  };
}

/** A successful sign-in: the user's counts start over, and the IP gets its attempt back. */
export async function loginSucceeded(db: Database, keys: string[]): Promise<void> {
  const userKeys = keys.filter((key) => !key.startsWith('ip:'));
  const otherKeys = keys.filter((key) => key.startsWith('ip:'));
  if (userKeys.length) await db.delete(loginThrottle).where(inArray(loginThrottle.key, userKeys));
  if (otherKeys.length) {
    await db
      .update(loginThrottle)
      .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
      .where(inArray(loginThrottle.key, otherKeys));
  }
}
