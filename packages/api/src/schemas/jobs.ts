// The shapes of jobs as procedures take and give them (jobs, exports, purge, retention).
import { JOB_STATES } from '@audit/db';
import { z } from 'zod';

import { isoDate } from './dates';
import { decimalIdSchema, instantSchema, jsonSized, oneOrMany } from './values';

export const jobStateSchema = z.enum(JOB_STATES);

export const recurrenceSchema = z
  .object({
    /** ISO-8601 duration, e.g. `P1D` daily, `PT6H` every six hours. */
    interval: z
      .string()
      .regex(
        /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/,
        'must be an ISO-8601 duration such as P1D or PT6H',
      ),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const jobOutput = z.object({
  id: z.string(),
  /** The tenant of the token that reported or asked for it; null for the installation's own. */
  tenant: z.string().nullable(),
  name: z.string(),
  type: z.string(),
  state: jobStateSchema,
  percent: z.number(),
  summary: z.string().nullable(),
  scheduledAt: isoDate,
  startedAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
  recurrence: recurrenceSchema.nullable(),
  createdBy: z.string(),
  systemId: z.string().nullable(),
  externalKey: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

// ---------------------------------------------------------------- list

export const listInputSchema = z
  .object({
    state: oneOrMany(jobStateSchema).optional(),
    type: oneOrMany(z.string().min(1).max(200)).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: decimalIdSchema.optional(),
  })
  .strict()
  .default({ limit: 50 });

export const listOutput = z.object({
  items: z.array(jobOutput),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------- byId and cancel

/** One job, by id. */
export const jobIdInputSchema = z.object({ id: decimalIdSchema }).strict();

// ---------------------------------------------------------------- report

export const reportInputSchema = z
  .object({
    /** The service's own id for the job; reporting the same key again updates it. */
    key: z.string().min(1).max(200),
    name: z.string().min(1).max(500),
    type: z.string().min(1).max(200),
    state: jobStateSchema,
    percent: z.number().int().min(0).max(100).optional(),
    summary: z.string().max(10_000).nullish(),
    scheduledAt: instantSchema.optional(),
    startedAt: instantSchema.nullish(),
    endedAt: instantSchema.nullish(),
    recurrence: recurrenceSchema.nullish(),
    params: jsonSized(z.record(z.string(), z.unknown())).optional(),
    result: jsonSized(z.record(z.string(), z.unknown())).nullish(),
    error: z.string().max(10_000).nullish(),
  })
  .strict();

export const reportOutput = z.object({ job: jobOutput, created: z.boolean() });
