import type { Database, LegalHold } from '@audit/db';

import { recordOwnEvent } from '../data/audit-trail';
import { createHold, heldCount, listHolds, releaseHold } from '../data/holds';
import {
  createInputSchema,
  holdOutput,
  listInputSchema,
  listOutput,
  releaseInputSchema,
} from '../schemas/holds';
import { adminProcedure, router, userProcedure } from '../trpc';

/** A hold with what it keeps now. */
async function describeHold(db: Database, hold: LegalHold) {
  return { ...hold, active: hold.releasedAt === null, held: await heldCount(db, hold) };
}

export const holdsRouter = router({
  /**
   * Every hold, newest first, with how many events each keeps now. People only (auditors
   * and admins): holds span tenants, and their names and reasons are not a token's business.
   */
  list: userProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const page = await listHolds(ctx.db, { limit: input.limit, beforeId: input.cursor });
      const items = [];
      for (const hold of page.items) items.push(await describeHold(ctx.db, hold));
      return { items, nextCursor: page.nextCursor };
    }),

  /** Places a hold: from now on purge and retention keep the events its filter matches. */
  create: adminProcedure
    .input(createInputSchema)
    .output(holdOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const hold = await ctx.db.transaction(async (tx) => {
        const created = await createHold(tx, input, ctx.user.username, now);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'hold.create',
            actor: ctx.user.username,
            status: 'success',
            description: `Placed legal hold ${created.name}: ${created.reason}`,
            objectType: 'legal_hold',
            objectName: created.name,
            metadata: { holdId: created.id, reason: created.reason, filter: created.filter },
          },
          now,
        );
        return created;
      });
      return describeHold(ctx.db, hold);
    }),

  /** Releases a hold: the events only it kept are purged and expire as any others again. */
  release: adminProcedure
    .input(releaseInputSchema)
    .output(holdOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock();
      const hold = await ctx.db.transaction(async (tx) => {
        const released = await releaseHold(tx, input.id, ctx.user.username, now);
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'hold.release',
            actor: ctx.user.username,
            status: 'success',
            description: `Released legal hold ${released.name}`,
            objectType: 'legal_hold',
            objectName: released.name,
            metadata: { holdId: released.id, filter: released.filter },
          },
          now,
        );
        return released;
      });
      return describeHold(ctx.db, hold);
    }),
});
