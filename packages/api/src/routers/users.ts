import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';

import { recordOwnEvent } from '../data/audit-trail';
import { countActiveAdmins, createUser, listUsers, updateUser } from '../data/users';
import {
  createInputSchema,
  listInputSchema,
  listOutput,
  updateInputSchema,
  userOutput,
} from '../schemas/users';
import { adminProcedure, router } from '../trpc';

/** Advisory lock serialising changes to users (any constant, the same in every process). */
const USERS_LOCK = 7_412_003_003;

export const usersRouter = router({
  list: adminProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(({ ctx }) => listUsers(ctx.db)),

  create: adminProcedure
    .input(createInputSchema)
    .output(userOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const user = await createUser(tx, input);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'users.create',
            actor: ctx.user.username,
            status: 'success',
            description: `Created ${input.role} ${input.username}`,
            objectType: 'user',
            objectName: input.username,
          },
          now,
        );
        return user;
      });
    }),

  update: adminProcedure
    .input(updateInputSchema)
    .output(userOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const { id, ...changes } = input;
      return ctx.db.transaction(async (tx) => {
        // One user change at a time, so two admins demoting each other cannot both see the
        // other still in place and leave nobody.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${USERS_LOCK})`);
        const user = await updateUser(tx, id, changes, now);
        // Checked after the change, inside the transaction: the last admin cannot lock everyone out.
        if ((await countActiveAdmins(tx)) === 0) {
          throw new TRPCError({
            code: 'CONFLICT',
            message: 'this would leave no active admin; make someone else admin first',
          });
        }
        const what = [
          changes.role !== undefined ? `role → ${changes.role}` : null,
          changes.disabled !== undefined ? (changes.disabled ? 'disabled' : 'enabled') : null,
          changes.password !== undefined ? 'password changed' : null,
        ].filter(Boolean);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'users.update',
            actor: ctx.user.username,
            status: 'success',
            description: `Updated ${user.username}: ${what.join(', ')}`,
            objectType: 'user',
            objectName: user.username,
          },
          now,
        );
        return user;
      });
    }),
});
