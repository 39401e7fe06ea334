import { z } from 'zod';

import { recordOwnEvent } from '../data/audit-trail';
import { createToken, listTokens, revokeToken, scopeSchema, tokenOutput } from '../data/tokens';
import { decimalIdSchema, instantSchema } from '../schemas/values';
import { adminProcedure, router } from '../trpc';

const label = z.string().min(1, 'must not be empty').max(200);

export const tokensRouter = router({
  list: adminProcedure
    .input(z.void())
    .output(z.array(tokenOutput))
    .query(({ ctx }) => listTokens(ctx.db)),

  create: adminProcedure
    .input(
      z
        .object({
          name: label,
          scopes: z.array(scopeSchema).min(1, 'give at least one scope'),
          /** Recorded as systemId on events this token records without one. */
          systemId: label.optional(),
          tenant: label.optional(),
          expiresAt: instantSchema.optional(),
        })
        .strict(),
    )
    .output(z.object({ token: tokenOutput, secret: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const created = await createToken(tx, input, ctx.user.userId);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'tokens.create',
            actor: ctx.user.username,
            status: 'success',
            description: `Created API token ${input.name} (${created.token.scopes.join(', ')})`,
            objectType: 'api token',
            objectName: input.name,
          },
          now,
        );
        return created;
      });
    }),

  revoke: adminProcedure
    .input(z.object({ id: decimalIdSchema }).strict())
    .output(tokenOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const token = await revokeToken(tx, input.id, now);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'tokens.revoke',
            actor: ctx.user.username,
            status: 'success',
            description: `Revoked API token ${token.name}`,
            objectType: 'api token',
            objectName: token.name,
          },
          now,
        );
        return token;
      });
    }),
});
