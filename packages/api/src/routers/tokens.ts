import { recordOwnEvent } from '../data/audit-trail';
import { createToken, listTokens, revokeToken } from '../data/tokens';
import {
  createInputSchema,
  createOutput,
  listInputSchema,
  listOutput,
  revokeInputSchema,
  tokenOutput,
} from '../schemas/tokens';
import { adminProcedure, router } from '../trpc';

export const tokensRouter = router({
  list: adminProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(({ ctx }) => listTokens(ctx.db)),

  create: adminProcedure
    .input(createInputSchema)
    .output(createOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const created = await createToken(tx, input, ctx.user.userId, now);
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
    .input(revokeInputSchema)
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
