import { EVENT_STATUSES } from '@audit/db/values';
import { z } from 'zod';

/**
 * The one filter over audit events. list, histogram, facets, export and purge take it; the
 * SPA keeps it in the URL; the SDK exposes its input type. Every field narrows the result
 * (AND); a list of values matches any of them (OR).
 */

/** The most values one filter field takes (the search box holds to it too). */
export const MAX_VALUES = 100;

/** One value or several; always an array after parsing. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z
    .union([item, z.array(item).min(1, 'give at least one value').max(MAX_VALUES)])
    .transform((value): z.output<T>[] => (Array.isArray(value) ? value : [value]));
}

const text = z.string().min(1, 'must not be empty').max(1000);

/** Exact, or a prefix when it ends with `*` (`tenant.*`). */
export const patternSchema = text.refine((value) => !value.slice(0, -1).includes('*'), {
  message: 'only a trailing * (prefix match) is supported',
});

/** An address (exact) or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
export const ipPatternSchema = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: 'must be an IPv4/IPv6 address or CIDR block',
});

/** Earliest and latest instants PostgreSQL and JavaScript both represent exactly. */
const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An instant: ISO 8601 with an offset (`2026-01-01T00:00:00+02:00`, `…Z`) or epoch
 * milliseconds (a number, or a string of digits as URLs carry them).
 */
export const instantSchema = z
  .union([
    z.number().int(),
    z.string().regex(/^-?\d+$/, 'epoch milliseconds'),
    z.iso.datetime({
      offset: true,
      error: 'must be ISO 8601 with an offset, or epoch milliseconds',
    }),
  ])
  .transform((value, ctx) => {
    const ms =
      typeof value === 'number' || /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms) || ms < MIN_TIME || ms > MAX_TIME) {
      ctx.addIssue({ code: 'custom', message: 'must be between year 1 and 9999' });
      return z.NEVER;
    }
    return new Date(ms);
  });

export const eventStatusSchema = z.enum(EVENT_STATUSES);

/** Ids (events, jobs, users, tokens, archives) are bigints sent as decimal strings. */
export const decimalIdSchema = z.string().regex(/^\d{1,19}$/, 'must be a decimal id');

export const eventFilterSchema = z
  .object({
    /** The search box: `user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"`. */
    q: z.string().max(2000).optional(),
    tenant: oneOrMany(text).optional(),
    userName: oneOrMany(text).optional(),
    userIp: oneOrMany(ipPatternSchema).optional(),
    userAgent: oneOrMany(text).optional(),
    domain: oneOrMany(text).optional(),
    application: oneOrMany(text).optional(),
    workspace: oneOrMany(text).optional(),
    systemId: oneOrMany(text).optional(),
    taskName: oneOrMany(patternSchema).optional(),
    objectType: oneOrMany(text).optional(),
    objectName: oneOrMany(patternSchema).optional(),
    status: oneOrMany(eventStatusSchema).optional(),
    resultCode: oneOrMany(text).optional(),
    jobId: oneOrMany(decimalIdSchema).optional(),
    eventId: oneOrMany(z.uuid()).optional(),
    /** Full text over description: words (all must appear), "quoted phrases", -excluded. */
    description: z.string().min(1).max(1000).optional(),
    /** Inclusive. */
    from: instantSchema.optional(),
    /** Inclusive. */
    to: instantSchema.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

/** What callers send (strings, epoch ms, single values). */
export type EventFilterInput = z.input<typeof eventFilterSchema>;
/** What the server works with (arrays, Dates). */
export type EventFilter = z.output<typeof eventFilterSchema>;
