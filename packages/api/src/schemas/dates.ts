import { z } from 'zod';

/** Dates leave the server as ISO-8601 UTC strings (no transformer on the wire). */
export const isoDate = z.date().transform((date) => date.toISOString());
