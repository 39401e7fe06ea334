import { tenantScopeOf } from '../data/principals';
import { listProducerGaps } from '../data/producer-gaps';
import { gapsInputSchema, gapsOutput } from '../schemas/integrity';
import { readProcedure, router } from '../trpc';

export const integrityRouter = router({
  /** Producers' sequence gaps open past the grace period: events sent that never arrived. */
  gaps: readProcedure
    .input(gapsInputSchema)
    .output(gapsOutput)
    .query(({ ctx, input }) =>
      listProducerGaps(ctx.db, {
        ...input,
        tenantScope: tenantScopeOf(ctx.principal),
        now: ctx.clock(),
      }),
    ),
});
