import { declarationOf, type EventField } from '@audit/db/fields';
import { z } from 'zod';

/** Schemas of single values that inputs and filters share. */

/**
 * Earliest and latest instants PostgreSQL and JavaScript both represent exactly. (Not
 * `Date.UTC(1, 0, 1)`: it takes years 0–99 as 1900–1999.)
 */
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

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

/** The largest id a bigint column holds. */
const MAX_ID = 9_223_372_036_854_775_807n;

/** Ids (events, jobs, users, tokens, archives) are bigints sent as decimal strings. */
export const decimalIdSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'must be a decimal id')
  // zod runs this even when the pattern failed: only a decimal is read as a number.
  .refine((id) => !/^\d+$/.test(id) || BigInt(id) <= MAX_ID, {
    message: `must be a decimal id up to ${MAX_ID}`,
  });

/** An id as a decimal string, or as a JSON number where a caller sends one. */
export const decimalIdOrNumberSchema = z
  .union([decimalIdSchema, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform(String);

/** A whole number from 0 to 2^53 − 1 (kind `count`), as a JSON number: exact in JavaScript. */
export const countSchema = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`);

/** A count as a filter takes it: a number, or its decimal digits (as URLs carry them); text after. */
export const decimalCountSchema = z
  .union([
    countSchema,
    z
      .string()
      .regex(/^\d{1,16}$/, 'must be a whole number')
      .refine((digits) => Number(digits) <= Number.MAX_SAFE_INTEGER, {
        message: `must be at most ${Number.MAX_SAFE_INTEGER}`,
      }),
  ])
  .transform(String);

/** The most bytes one JSON document of an input takes, serialised (`max` of jsonSized). */
export const MAX_JSON_BYTES = 64 * 1024;

/** `schema`, refused when its value serialises to more than `max` characters. */
export function jsonSized<T extends z.ZodType>(schema: T, max = MAX_JSON_BYTES) {
  // JSON.stringify gives undefined for undefined, whatever its declared type says.
  return schema.refine(
    (value) => ((JSON.stringify(value) as string | undefined) ?? '').length <= max,
    {
      message: `must serialise to at most ${max} bytes of JSON`,
    },
  );
}

/** Text a person typed: never empty, at most `max` characters. */
export function shortText(max: number) {
  return z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
}

/** One of `values`: the schema of a declared enum field. */
export function enumOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values);
}

/** The schema of an enum field's values (inputs, outputs and filters all take it). */
export function enumSchemaOf(field: EventField) {
  const { values } = declarationOf(field);
  if (!values) throw new Error(`${field}: an enum field declares its values`);
  return enumOf(values);
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
