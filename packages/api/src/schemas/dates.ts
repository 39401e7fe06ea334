import { z } from 'zod';

/**
 * Dates leave the server as ISO-8601 UTC strings (no transformer on the wire). The pipe into
 * a string schema is what /openapi.json shows: `string`, format `date-time`.
 */
export const isoDate = z
  .date()
  .transform((date) => date.toISOString())
  .pipe(z.iso.datetime());
