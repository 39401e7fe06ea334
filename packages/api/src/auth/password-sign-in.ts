import type { Database } from '@audit/db';
import { TRPCError } from '@trpc/server';

import { DUMMY_PASSWORD_HASH, verifyPassword } from './secrets';
import { recordOwnEvent, type OwnEvent, type RequestMeta } from '../data/audit-trail';
import { registerLoginAttempt, throttleKeys } from '../data/login-throttle';
import { findUserByName } from '../data/users';

export interface PasswordCheck {
  db: Database;
  meta: RequestMeta;
  now: Date;
  /** Holds a failed attempt's answer back (the throttle's slow-down). */
  sleep: (ms: number) => Promise<void>;
}

export type SignInWay = 'sign-in' | 'HTTP Basic';

/** The audit record of one attempt, under the task its way names. */
export function signInEvent(
  way: SignInWay,
  username: string,
  status: 'success' | 'failure',
  description: string,
): OwnEvent {
  return {
    task: way === 'sign-in' ? 'auth.login' : 'auth.basic',
    actor: username,
    status,
    description: way === 'sign-in' ? description : `${description} (HTTP Basic)`,
    objectType: 'user',
    objectName: username,
  };
}

/**
 * A user name and password, checked the one way both the sign-in form and HTTP Basic use:
 * counted by the throttle before the check (login-throttle.ts), refused while blocked, a
 * failure recorded and held back. Returns the user and the throttle keys to clear once the
 * caller's success has committed (loginSucceeded); throws UNAUTHORIZED or TOO_MANY_REQUESTS.
 */
export async function checkPassword(
  check: PasswordCheck,
  way: SignInWay,
  username: string,
  password: string,
) {
  const { db, meta, now } = check;
  const keys = throttleKeys(username, meta.ip);
  const verdict = await registerLoginAttempt(db, keys, now);
  if (verdict.blockedUntil) {
    await recordOwnEvent(
      db,
      meta,
      signInEvent(way, username, 'failure', 'Login refused: too many failed attempts'),
      now,
    );
    const minutes = Math.ceil((verdict.blockedUntil.getTime() - now.getTime()) / 60_000);
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    });
  }

  const user = await findUserByName(db, username);
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !passwordOk || user.disabled) {
    const reason =
      user?.disabled && passwordOk
        ? 'Login failed: account disabled'
        : 'Login failed: invalid credentials';
    await recordOwnEvent(db, meta, signInEvent(way, username, 'failure', reason), now);
    await check.sleep(verdict.delayMs);
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
  }
  return { user, keys };
}
