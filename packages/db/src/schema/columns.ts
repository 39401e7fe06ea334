import { sql } from 'drizzle-orm';
import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * bigint ids travel as strings (JSON has no 64-bit integers); the drivers disagree
 * on what they hand back for int8 (string, number or bigint), so normalise here.
 */
export const bigintId = customType<{ data: string; driverData: string | number | bigint }>({
  dataType: () => 'bigint',
  fromDriver: (value) => String(value),
  toDriver: (value) => value,
});

/**
 * A server-assigned id drawn from its own sequence. (A custom "bigserial" type would hide
 * the default from Drizzle, making every insert supply the id.)
 */
export function serialId(sequenceName: string) {
  return bigintId('id')
    .notNull()
    .default(sql.raw(`nextval('${sequenceName}'::regclass)`));
}

/**
 * Text compared byte-wise. "C" collation makes `LIKE 'prefix%'` use a btree and gives
 * PGlite (whose databases are always "C") and PostgreSQL (often C.UTF-8 or en_US) the
 * same sort order for the same data.
 */
export const byteText = customType<{ data: string }>({
  dataType: () => 'text COLLATE "C"',
});

/** Millisecond precision, like JavaScript's Date: inclusive bounds compare exactly. */
export const timestampMs = (name: string) =>
  timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
