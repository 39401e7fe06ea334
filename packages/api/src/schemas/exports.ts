import { ARCHIVE_KINDS, EXPORT_FORMATS } from '@audit/db';
import { z } from 'zod';

import { eventFilterSchema } from '../filters/schema';
import { isoDate } from './dates';
import { timeZoneSchema } from './time-zone';
import { decimalIdSchema } from './values';

/** The shapes of the exports procedures, inputs beside outputs. */

// ---------------------------------------------------------------- create

export const createInputSchema = z
  .object({
    filter: eventFilterSchema.optional(),
    format: z.enum(EXPORT_FORMATS).default('csv'),
    /** The zone of the timestamp columns. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .strict();

// ---------------------------------------------------------------- list

export const archiveOutput = z.object({
  id: z.string(),
  tenant: z.string().nullable(),
  jobId: z.string().nullable(),
  kind: z.enum(ARCHIVE_KINDS),
  format: z.enum(EXPORT_FORMATS),
  fileName: z.string(),
  sizeBytes: z.number(),
  rowCount: z.number(),
  sha256: z.string(),
  filters: z.record(z.string(), z.unknown()),
  timeZone: z.string(),
  createdBy: z.string(),
  createdAt: isoDate,
  /** Where to GET the .zip (same credentials as the API). */
  downloadUrl: z.string(),
});

export const listInputSchema = z
  .object({
    kind: z.enum(ARCHIVE_KINDS).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: decimalIdSchema.optional(),
  })
  .strict()
  .default({ limit: 50 });

export const listOutput = z.object({
  items: z.array(archiveOutput),
  nextCursor: z.string().nullable(),
});
