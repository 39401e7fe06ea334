import { insertEvents, type StoreOutcome } from '@audit/db';
import { TRPCError } from '@trpc/server';

import { eventFacets, eventHistogram, FACET_FIELDS } from '../data/event-counts';
import { countEvents, getEvent, listEvents } from '../data/events';
import { tenantScopeOf } from '../data/principals';
import {
  byIdInputSchema,
  byIdOutput,
  facetsInputSchema,
  facetsOutput,
  histogramInputSchema,
  histogramOutput,
  listInputSchema,
  listOutput,
  recordInputSchema,
  recordOutput,
} from '../schemas/audit-logs';
import { ingestProcedure, readProcedure, router } from '../trpc';

export const auditLogsRouter = router({
  list: readProcedure
    .input(listInputSchema)
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const { conditions } = ctx.scope(input.filter);
      const sort = input.sort ?? { field: 'occurredAt' as const, direction: 'desc' as const };
      // Independent reads: on PostgreSQL they run on two pooled connections at once, so a
      // page costs the slower of the two rather than their sum.
      const [page, total] = await Promise.all([
        listEvents(ctx.db, conditions, sort, input.limit, input.cursor, input.offset),
        input.withTotal ? countEvents(ctx.db, conditions) : null,
      ]);
      return {
        ...page,
        total: total?.total ?? null,
        totalIsEstimate: total?.totalIsEstimate ?? false,
      };
    }),

  byId: readProcedure
    .input(byIdInputSchema)
    .output(byIdOutput)
    .query(({ ctx, input }) =>
      getEvent(ctx.db, input.id, input.occurredAt, tenantScopeOf(ctx.principal)),
    ),

  histogram: readProcedure
    .input(histogramInputSchema)
    .output(histogramOutput)
    .query(({ ctx, input }) =>
      eventHistogram(
        ctx.db,
        { ...ctx.scope(input.filter), budget: ctx.eventsReadBudget },
        input.buckets,
        input.timeZone,
      ),
    ),

  facets: readProcedure
    .input(facetsInputSchema)
    .output(facetsOutput)
    .query(({ ctx, input }) =>
      eventFacets(
        ctx.db,
        { ...ctx.scope(input.filter), budget: ctx.eventsReadBudget },
        input.fields ?? FACET_FIELDS,
        input.limit,
      ),
    ),

  record: ingestProcedure
    .input(recordInputSchema)
    .output(recordOutput)
    .mutation(async ({ ctx, input }) => {
      const { token } = ctx;
      const now = ctx.clock();
      const rows = input.events.map((event, index) => {
        if (event.tenant !== undefined && event.tenant !== token.tenant) {
          throw new TRPCError({
            code: 'FORBIDDEN',
            message: `events.${index}.tenant: this token records for tenant "${token.tenant}" only`,
          });
        }
        return {
          ...event,
          tenant: token.tenant,
          systemId: event.systemId ?? token.systemId,
        };
      });
      const stored = await ctx.db.transaction((tx) => insertEvents(tx, rows, now));
      const counts = { created: 0, duplicate: 0, conflict: 0 } satisfies Record<
        StoreOutcome,
        number
      >;
      for (const event of stored) counts[event.outcome] += 1;
      for (const [outcome, n] of Object.entries(counts)) {
        ctx.metrics?.eventsRecorded.inc({ outcome }, n);
      }
      return {
        stored: counts.created,
        duplicates: counts.duplicate,
        conflicts: counts.conflict,
        events: stored.map((event) => ({ ...event, created: event.outcome === 'created' })),
      };
    }),
});
