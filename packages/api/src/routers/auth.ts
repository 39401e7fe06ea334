import type { z } from 'zod';

import { checkPassword, signInEvent } from '../auth/password-sign-in';
import { recordOwnEvent } from '../data/audit-trail';
import { loginSucceeded } from '../data/login-throttle';
import { SESSION_IDLE_MS, type Principal } from '../data/principals';
import { createSession, deleteSession, deleteUserSessions } from '../data/sessions';
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
      const { user, keys } = await checkPassword(
        { db: ctx.db, meta: ctx.meta, now, sleep: ctx.sleep },
        'sign-in',
        input.username,
        input.password,
      );
      const secret = await ctx.db.transaction(async (tx) => {
        const created = await createSession(tx, user.id, ctx.meta, now);
        await loginSucceeded(tx, keys);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            ...signInEvent('sign-in', input.username, 'success', 'Login Succeeded'),
            actor: user.username,
          },
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
          : ctx.user.sessionId === null
            ? 0
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
