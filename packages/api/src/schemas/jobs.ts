// The shapes of jobs as procedures take and give them (jobs, exports, purge, retention).
import { JOB_STATES } from '@audit/db';
import { z } from 'zod';

import { isoDate } from './dates';

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
  tenant: z.string(),
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
