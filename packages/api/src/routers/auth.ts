import { TRPCError } from '@trpc/server';
import type { z } from 'zod';

import { DUMMY_PASSWORD_HASH, verifyPassword } from '../auth/secrets';
import { recordOwnEvent } from '../data/audit-trail';
import { loginSucceeded, registerLoginAttempt, throttleKeys } from '../data/login-throttle';
import { SESSION_IDLE_MS, type Principal } from '../data/principals';
import { createSession, deleteSession, deleteUserSessions } from '../data/sessions';
import { findUserByName } from '../data/users';
import {
  loginInputSchema,
  logoutInputSchema,
  logoutOutput,
  meInputSchema,
  principalOutput,
} from '../schemas/auth';
import { publicProcedure, router, SESSION_COOKIE, signedInProcedure, userProcedure } from '../trpc';

function describePrincipal(principal: Principal): z.input<typeof principalOutput> {
  return principal.kind === 'user'
    ? { kind: 'user', id: principal.userId, username: principal.username, role: principal.role }
    : {
        kind: 'token',
        id: principal.tokenId,
        name: principal.name,
        scopes: principal.scopes,
        systemId: principal.systemId,
        tenant: principal.tenant,
      };
}

export const authRouter = router({
  login: publicProcedure
    .input(loginInputSchema)
    .output(principalOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const keys = throttleKeys(input.username, ctx.meta.ip);
      const audit = (status: 'success' | 'failure', description: string) => ({
        task: 'auth.login',
        actor: input.username,
        status,
        description,
        objectType: 'user',
        objectName: input.username,
      });

      const verdict = await registerLoginAttempt(ctx.db, keys, now);
      if (verdict.blockedUntil) {
        await recordOwnEvent(
          ctx.db,
          ctx.meta,
          audit('failure', 'Login refused: too many failed attempts'),
          now,
        );
        const minutes = Math.ceil((verdict.blockedUntil.getTime() - now.getTime()) / 60_000);
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        });
      }

      const user = await findUserByName(ctx.db, input.username);
      const passwordOk = await verifyPassword(
        input.password,
        user?.passwordHash ?? DUMMY_PASSWORD_HASH,
      );
      if (!user || !passwordOk || user.disabled) {
        await recordOwnEvent(
          ctx.db,
          ctx.meta,
          audit(
            'failure',
            user?.disabled && passwordOk
              ? 'Login failed: account disabled'
              : 'Login failed: invalid credentials',
          ),
          now,
        );
        await ctx.sleep(verdict.delayMs);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
      }

      const secret = await ctx.db.transaction(async (tx) => {
        const created = await createSession(tx, user.id, ctx.meta, now);
        await loginSucceeded(tx, keys);
        await recordOwnEvent(
          tx,
          ctx.meta,
          { ...audit('success', 'Login Succeeded'), actor: user.username },
          now,
        );
        return created;
      });
      ctx.cookies.set(SESSION_COOKIE, secret, SESSION_IDLE_MS);
      return { kind: 'user' as const, id: user.id, username: user.username, role: user.role };
    }),

  logout: userProcedure
    .input(logoutInputSchema)
    .output(logoutOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const sessionsEnded = await ctx.db.transaction(async (tx) => {
        const ended = input.everywhere
          ? await deleteUserSessions(tx, ctx.user.userId)
          : (await deleteSession(tx, ctx.user.sessionId), 1);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'auth.logout',
            actor: ctx.user.username,
            status: 'success',
            description: input.everywhere ? `Logout from every session (${ended})` : 'Logout',
            objectType: 'user',
            objectName: ctx.user.username,
          },
          now,
        );
        return ended;
      });
      ctx.cookies.clear(SESSION_COOKIE);
      return { ok: true as const, sessionsEnded };
    }),

  me: signedInProcedure
    .input(meInputSchema)
    .output(principalOutput)
    .query(({ ctx }) => describePrincipal(ctx.principal)),
});
