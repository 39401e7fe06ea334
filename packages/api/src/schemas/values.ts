import { z } from 'zod';

/** Schemas of single values that inputs and filters share. */

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

/** Ids (events, jobs, users, tokens, archives) are bigints sent as decimal strings. */
export const decimalIdSchema = z.string().regex(/^\d{1,19}$/, 'must be a decimal id');

/** An id as a decimal string, or as a JSON number where a caller sends one. */
export const decimalIdOrNumberSchema = z
  .union([decimalIdSchema, z.number().int().nonnegative()])
  .transform(String);

/** Text a person typed: never empty, at most `max` characters. */
export function shortText(max: number) {
  return z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
}

/** One of `values`: the schema of a declared enum field. */
export function enumOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values);
}

/** Exact, or a prefix when it ends with `*` (`tenant.*`). */
export const patternSchema = shortText(1000).refine((value) => !value.slice(0, -1).includes('*'), {
  message: 'only a trailing * (prefix match) is supported',
});

/** An address (exact) or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
export const ipPatternSchema = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: 'must be an IPv4/IPv6 address or CIDR block',
});

/** An IPv4 or IPv6 address. */
export const ipSchema = z.union([z.ipv4(), z.ipv6()], {
  error: 'must be an IPv4 or IPv6 address',
});

/** The most values one list field takes (a filter's; the search box holds to it too). */
export const MAX_VALUES = 100;

/** One value or several; always an array after parsing. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z
    .union([item, z.array(item).min(1, 'give at least one value').max(MAX_VALUES)])
    .transform((value): z.output<T>[] => (Array.isArray(value) ? value : [value]));
}
