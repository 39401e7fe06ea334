import {
  CHANGE_FORMATS,
  EVENT_STATUSES,
  JOB_STATES,
  MAX_EVENT_BATCH,
  insertEvents,
} from '@audit/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { eventFacets, eventHistogram, FACET_FIELDS, type CountRequest } from '../data/event-counts';
import {
  countEvents,
  eventConditions,
  filterParts,
  getEvent,
  listEvents,
  partsConditions,
  SORT_FIELDS,
} from '../data/events';
import { tenantScopeOf, type Principal } from '../data/principals';
import {
  decimalIdSchema,
  eventFilterSchema,
  eventStatusSchema,
  instantSchema,
  type EventFilter,
} from '../filters/schema';
import { isoDate } from '../schemas/dates';
import { timeZoneSchema } from '../schemas/time-zone';
import { ingestProcedure, readProcedure, router } from '../trpc';

// ---------------------------------------------------------------- shapes

const shortText = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => shortText(max).nullish();
/** JSON numbers are accepted where the reference APIs send them (`"result": 200`). */
const codeText = z.union([z.string().min(1).max(100), z.number().int()]).transform(String);
const decimalId = z.union([decimalIdSchema, z.number().int().nonnegative()]).transform(String);

export const affectedObjectSchema = z
  .object({
    type: shortText(200),
    name: shortText(1000),
    id: z.string().max(200).optional(),
    detail: z.string().max(10_000).optional(),
  })
  .strict();

export const changesSchema = z
  .object({
    format: z.enum(CHANGE_FORMATS),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .strict()
  .refine(
    (c) =>
      c.format !== 'text' ||
      [c.before, c.after].every((v) => v === undefined || typeof v === 'string'),
    { message: 'before and after must be strings when format is "text"' },
  );

const MAX_METADATA_BYTES = 64 * 1024;
const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => JSON.stringify(m).length <= MAX_METADATA_BYTES, {
    message: `must serialise to at most ${MAX_METADATA_BYTES} bytes`,
  });

/** One event as a service records it. Unknown fields are refused, so a typo is not silently dropped. */
export const eventInputSchema = z
  .object({
    /** Give one to make retries safe: the same eventId and occurredAt are stored once. */
    eventId: z.uuid().optional(),
    tenant: shortText(200).optional(),
    /** Default: the server's clock. */
    occurredAt: instantSchema.optional(),
    userName: shortText(200),
    userIp: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).nullish(),
    userAgent: optionalText(1000),
    domain: optionalText(200),
    application: optionalText(200),
    workspace: optionalText(200),
    systemId: optionalText(200),
    taskName: shortText(1000),
    objectType: optionalText(200),
    objectName: optionalText(1000),
    status: eventStatusSchema,
    resultCode: codeText.nullish(),
    description: z.string().max(10_000).nullish(),
    jobId: decimalId.nullish(),
    affectedObjects: z.array(affectedObjectSchema).max(1000).optional(),
    changes: changesSchema.nullish(),
    metadata: metadataSchema.optional(),
  })
  .strict();

export const recordInputSchema = z
  .object({
    events: z
      .array(eventInputSchema)
      .min(1, 'give at least one event')
      .max(MAX_EVENT_BATCH, `at most ${MAX_EVENT_BATCH} events per call; split the batch`),
  })
  .strict();

export const eventOutput = z.object({
  id: z.string(),
  eventId: z.string(),
  tenant: z.string(),
  occurredAt: isoDate,
  recordedAt: isoDate,
  userName: z.string(),
  userIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  domain: z.string().nullable(),
  application: z.string().nullable(),
  workspace: z.string().nullable(),
  systemId: z.string().nullable(),
  taskName: z.string(),
  objectType: z.string().nullable(),
  objectName: z.string().nullable(),
  status: eventStatusSchema,
  resultCode: z.string().nullable(),
  description: z.string().nullable(),
  jobId: z.string().nullable(),
  affectedObjects: z.array(affectedObjectSchema),
  changes: z
    .object({
      format: z.enum(CHANGE_FORMATS),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
    })
    .nullable(),
  metadata: z.record(z.string(), z.unknown()),
});

export const jobSummaryOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  state: z.enum(JOB_STATES),
  percent: z.number(),
  summary: z.string().nullable(),
  scheduledAt: isoDate,
  startedAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
});

/** Where a histogram or facets answer came from, and whether it counts every matching event. */
export const countBasisOutput = z.object({
  /** true: every matching event is counted. */
  exact: z.boolean(),
  /** `rollups`: the kept counts (plus events at the range's ends); `events`: a bounded read of events. */
  source: z.enum(['rollups', 'events']),
  /** Set when not exact because only the newest events were read: they are counted from here on. */
  since: isoDate.nullable(),
  /** How many events were read from the events table to answer. */
  eventsRead: z.number(),
});

export const sortSchema = z
  .object({ field: z.enum(SORT_FIELDS), direction: z.enum(['asc', 'desc']).default('desc') })
  .strict();

export const listInputSchema = z
  .object({
    filter: eventFilterSchema.optional(),
    /** Default: newest first. */
    sort: sortSchema.optional(),
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(2000, 'must be at most 2000')
      .default(50),
    /** From a previous page's nextCursor or prevCursor. */
    cursor: z.string().max(2000).optional(),
    /** false skips counting (a little faster when only the rows matter, as for iteration). */
    withTotal: z.boolean().default(true),
  })
  .strict();

// ---------------------------------------------------------------- procedures

export const auditLogsRouter = router({
  list: readProcedure
    .input(listInputSchema)
    .output(
      z.object({
        items: z.array(eventOutput),
        nextCursor: z.string().nullable(),
        prevCursor: z.string().nullable(),
        total: z.number().nullable(),
        totalIsEstimate: z.boolean(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const conditions = eventConditions(
        input.filter ?? {},
        tenantScopeOf(ctx.principal),
        ctx.clock(),
      );
      const sort = input.sort ?? { field: 'occurredAt' as const, direction: 'desc' as const };
      // Independent reads: on PostgreSQL they run on two pooled connections at once, so a
      // page costs the slower of the two rather than their sum.
      const [page, total] = await Promise.all([
        listEvents(ctx.db, conditions, sort, input.limit, input.cursor),
        input.withTotal ? countEvents(ctx.db, conditions) : null,
      ]);
      return {
        ...page,
        total: total?.total ?? null,
        totalIsEstimate: total?.totalIsEstimate ?? false,
      };
    }),

  byId: readProcedure
    .input(
      z
        .object({
          id: decimalIdSchema,
          /** The event's occurredAt, when known: the lookup then reads one partition. */
          occurredAt: instantSchema.optional(),
        })
        .strict(),
    )
    .output(eventOutput.extend({ job: jobSummaryOutput.nullable() }))
    .query(({ ctx, input }) =>
      getEvent(ctx.db, input.id, input.occurredAt, tenantScopeOf(ctx.principal)),
    ),

  histogram: readProcedure
    .input(
      z
        .object({
          filter: eventFilterSchema.optional(),
          /** About how many buckets to cut the range into. */
          buckets: z.number().int().min(1).max(500).default(60),
          /** Day and longer buckets start at midnight in this IANA zone. */
          timeZone: timeZoneSchema.default('UTC'),
        })
        .strict(),
    )
    .output(
      z.object({
        /** Bucket length in ms (a day or a week is a calendar one in timeZone), or "month". */
        bucket: z.union([z.number(), z.literal('month')]),
        from: isoDate.nullable(),
        to: isoDate.nullable(),
        /** Every bucket of the range, empty ones included. */
        buckets: z.array(
          z.object({
            start: isoDate,
            total: z.number(),
            byStatus: z.object(
              Object.fromEntries(EVENT_STATUSES.map((s) => [s, z.number()])) as Record<
                (typeof EVENT_STATUSES)[number],
                z.ZodNumber
              >,
            ),
          }),
        ),
        basis: countBasisOutput,
      }),
    )
    .query(({ ctx, input }) =>
      eventHistogram(ctx.db, countRequest(input.filter, ctx), input.buckets, input.timeZone),
    ),

  facets: readProcedure
    .input(
      z
        .object({
          filter: eventFilterSchema.optional(),
          fields: z.array(z.enum(FACET_FIELDS)).min(1).optional(),
          limit: z.number().int().min(1).max(100).default(10),
        })
        .strict(),
    )
    .output(
      z.object({
        /** The most frequent values of each asked field, most frequent first. */
        fields: z.partialRecord(
          z.enum(FACET_FIELDS),
          z.array(z.object({ value: z.string().nullable(), count: z.number() })),
        ),
        basis: countBasisOutput,
      }),
    )
    .query(({ ctx, input }) =>
      eventFacets(
        ctx.db,
        countRequest(input.filter, ctx),
        input.fields ?? FACET_FIELDS,
        input.limit,
      ),
    ),

  record: ingestProcedure
    .input(recordInputSchema)
    .output(
      z.object({
        /** Newly stored. */
        stored: z.number(),
        /** Already stored earlier (a retry): not stored again. */
        duplicates: z.number(),
        events: z.array(
          z.object({
            id: z.string(),
            eventId: z.string(),
            occurredAt: isoDate,
            created: z.boolean(),
          }),
        ),
      }),
    )
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
          occurredAt: event.occurredAt ?? now,
          systemId: event.systemId ?? token.systemId,
        };
      });
      const stored = await ctx.db.transaction((tx) => insertEvents(tx, rows));
      const created = stored.filter((s) => s.created).length;
      return { stored: created, duplicates: stored.length - created, events: stored };
    }),
});

function countRequest(
  filter: EventFilter | undefined,
  ctx: { principal: Principal; clock: () => Date; eventsReadBudget: number },
): CountRequest {
  const parts = filterParts(filter ?? {}, ctx.clock());
  const tenantScope = tenantScopeOf(ctx.principal);
  return {
    parts,
    tenantScope,
    conditions: partsConditions(parts, tenantScope),
    budget: ctx.eventsReadBudget,
  };
}
