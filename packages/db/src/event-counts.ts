import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

import type { Database } from './client';
import {
  ALL_EVENTS,
  COUNT_DIMENSIONS,
  COUNTED_FIELDS,
  events,
  type CountDimension,
  type CountedField,
} from './schema';
import { queryRows } from './sql';
import { COUNT_GRAINS, type CountGrain } from './values';

/**
 * The event counts (schema/event-counts.ts): how they are kept exact as events come and go.
 *
 * - The statement that stores a batch of events appends it to event_count_deltas
 *   (insertCountDeltas) from the rows it actually inserted (RETURNING): a retry that stores
 *   nothing counts nothing, and two processes storing the same event count it once.
 * - A purge's DELETE appends what it deleted the same way, with sign -1.
 * - Dropping a month's partition removes that month's counts in the same transaction
 *   (forgetCountsBetween).
 * - compactEventCounts adds the deltas into event_counts at every grain, in the background.
 */

/**
 * The finest grain a dimension is counted at: totals per minute are few (tenants × statuses)
 * and let short ranges and sub-hour histogram buckets answer from counts; a field's values
 * per minute would be about as many rows as events.
 */
export function finestGrain(dimension: CountDimension): CountGrain {
  return dimension === ALL_EVENTS ? 'minute' : 'hour';
}

/** Serialises compaction with the removal of a month's counts (any constant, the same everywhere). */
const COUNTS_LOCK = 7_412_003_010;

/** The columns of events a count needs, in the order of the delta arrays. */
const COUNTED_COLUMNS: AnyPgColumn[] = [
  events.tenant,
  events.occurredAt,
  events.status,
  ...Object.values(COUNTED_FIELDS),
];

const column = (c: AnyPgColumn) => sql.identifier(c.name);

/** Counted fields of an enum type, whose arrays are text[] (not the enum's array type). */
const COUNTED_ENUMS = new Set<AnyPgColumn>(
  Object.values(COUNTED_FIELDS).filter((c) => c.columnType === 'PgEnumColumn'),
);

/** The columns of events a count needs, for a RETURNING clause (`alias.` before each, if given). */
export function countedColumns(alias?: string): SQL {
  return sql.join(
    COUNTED_COLUMNS.map((c) => (alias ? sql`${sql.identifier(alias)}.${column(c)}` : column(c))),
    sql`, `,
  );
}

/** A constant of this module's own (a grain, a dimension) as an SQL literal: plans see the value. */
function literal(text: string): SQL {
  if (!/^[A-Za-z*]+$/.test(text)) throw new Error(`not a safe literal: ${text}`);
  return sql.raw(`'${text}'`);
}

const UTC = literal('UTC');

/**
 * Appends the rows of `rows` (a relation with countedColumns, e.g. the name of a CTE that
 * inserted or deleted events) to the deltas, as one row of arrays.
 */
export function insertCountDeltas(rows: SQL, sign: 1 | -1): SQL {
  const occurredAt = column(events.occurredAt);
  return sql`INSERT INTO event_count_deltas (sign, first_at, last_at, ${countedColumns()})
             SELECT ${sql.raw(String(sign))}, min(${occurredAt}), max(${occurredAt}),
                    ${sql.join(
                      // Counted values travel as text (an enum's too: the arrays are text[]).
                      COUNTED_COLUMNS.map(
                        (c) =>
                          sql`array_agg(${column(c)}${COUNTED_ENUMS.has(c) ? sql`::text` : sql``})`,
                      ),
                      sql`, `,
                    )}
             FROM ${rows}
             HAVING count(*) > 0`;
}

/**
 * The events the deltas hold, one row each with its `sign` and countedColumns: of every
 * delta, or of `deltas` (a relation of delta rows, e.g. the ones a compaction removed);
 * with a range, only batches that overlap it (their events outside it are still there).
 */
export function deltaEvents(
  options: { deltas?: SQL; from?: Date | undefined; to?: Date | undefined } = {},
): SQL {
  const overlaps: SQL[] = [];
  if (options.to) overlaps.push(sql`d.first_at <= ${options.to.toISOString()}::timestamptz`);
  if (options.from) overlaps.push(sql`d.last_at >= ${options.from.toISOString()}::timestamptz`);
  return sql`(SELECT d.sign, r.*
              FROM ${options.deltas ?? sql`event_count_deltas`} AS d
              CROSS JOIN LATERAL unnest(${countedColumns('d')}) AS r(${countedColumns()})
              ${overlaps.length ? sql`WHERE ${sql.join(overlaps, sql` AND `)}` : sql``})`;
}

/**
 * `dimension, bucket, tenant, status, value, n`: the counts of `rows` (a relation with
 * countedColumns and a `sign` per row) at each dimension's finest grain.
 */
export function finestCountsOf(rows: SQL): SQL {
  const r = (c: AnyPgColumn) => sql`r.${column(c)}`;
  const bucket = (dimension: CountDimension) =>
    sql`date_trunc(${literal(finestGrain(dimension))}, ${r(events.occurredAt)}, ${UTC})`;
  const dimensions: SQL[] = [
    sql`(${literal(ALL_EVENTS)}, ${bucket(ALL_EVENTS)}, NULL::text COLLATE "C")`,
    ...Object.entries(COUNTED_FIELDS).map(
      ([field, c]) =>
        sql`(${literal(field)}, ${bucket(field as CountedField)}, ${r(c)}::text COLLATE "C")`,
    ),
  ];
  return sql`SELECT d.dimension, d.bucket, ${r(events.tenant)}::text COLLATE "C" AS tenant,
                    ${r(events.status)} AS status, d.value, sum(r.sign)::bigint AS n
             FROM ${rows} AS r
             CROSS JOIN LATERAL (VALUES ${sql.join(dimensions, sql`, `)}) AS d(dimension, bucket, value)
             GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * Adds counts at their finest grain (`dimension, bucket, tenant, status, value, n`) into
 * event_counts at that grain and every coarser one.
 */
export function rollUpCounts(finest: SQL): SQL {
  // Literals, not parameters: a parameter's type in VALUES would have to be guessed.
  const rank = (grain: CountGrain) => sql.raw(String(COUNT_GRAINS.indexOf(grain)));
  const grains = COUNT_GRAINS.map(
    (grain) =>
      sql`(${literal(grain)}::count_grain, ${rank(grain)}, date_trunc(${literal(grain)}, f.bucket, ${UTC}))`,
  );
  const finestRank = sql`CASE f.dimension ${sql.join(
    COUNT_DIMENSIONS.map(
      (dimension) => sql`WHEN ${literal(dimension)} THEN ${rank(finestGrain(dimension))}`,
    ),
    sql` `,
  )} END`;
  return sql`INSERT INTO event_counts (dimension, grain, bucket, tenant, status, value, n)
             SELECT f.dimension, g.grain, g.bucket, f.tenant, f.status, f.value, sum(f.n)
             FROM (${finest}) AS f
             CROSS JOIN LATERAL (VALUES ${sql.join(grains, sql`, `)}) AS g(grain, rank, bucket)
             WHERE g.rank >= ${finestRank}
             GROUP BY 1, 2, 3, 4, 5, 6
             HAVING sum(f.n) <> 0
             -- One order for every writer: upserts lock rows in it, so they cannot deadlock.
             ORDER BY 1, 2, 3, 4, 5, 6
             ON CONFLICT ON CONSTRAINT event_counts_key
             DO UPDATE SET n = event_counts.n + excluded.n`;
}

/** Moves up to `maxBatches` deltas into event_counts; the caller holds COUNTS_LOCK. */
async function moveDeltas(tx: Database, maxBatches: number): Promise<number> {
  const [moved] = await queryRows<{ n: number }>(
    tx,
    sql`WITH moved AS (
          DELETE FROM event_count_deltas
          WHERE ctid = ANY (ARRAY(SELECT ctid FROM event_count_deltas LIMIT ${maxBatches}))
          RETURNING *),
        rolled AS (${rollUpCounts(finestCountsOf(deltaEvents({ deltas: sql`moved` })))})
        SELECT count(*)::int AS n FROM moved`,
  );
  return moved?.n ?? 0;
}

/** Deltas one compaction transaction takes: about this many batches of events. */
const COMPACTION_BATCHES = 50;

/**
 * Moves deltas into event_counts, one transaction per COMPACTION_BATCHES, until none are
 * left; does nothing while another process compacts. Returns how many it moved. Reads are
 * exact whether or not this has run (they add up both tables): it keeps the deltas few.
 */
export async function compactEventCounts(db: Database): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const [lock] = await queryRows<{ locked: boolean }>(
        tx,
        sql`SELECT pg_try_advisory_xact_lock(${COUNTS_LOCK}) AS locked`,
      );
      return lock?.locked ? moveDeltas(tx, COMPACTION_BATCHES) : 0;
    });
    total += moved;
    if (moved < COMPACTION_BATCHES) return total;
  }
}

/**
 * Removes every count of the events in [from, to): call it in the transaction that drops
 * their partition, after locking events (so no batch of them is being stored or deleted).
 * A delta may hold events of other months too, so every delta is added in first.
 */
export async function forgetCountsBetween(tx: Database, from: Date, to: Date): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${COUNTS_LOCK})`);
  while ((await moveDeltas(tx, COMPACTION_BATCHES)) > 0) {
    // until every delta is in event_counts
  }
  // Naming every dimension and grain lets the key's index serve the bucket range.
  await tx.execute(
    sql`DELETE FROM event_counts
        WHERE dimension IN (${sql.join(
          COUNT_DIMENSIONS.map((d) => literal(d)),
          sql`, `,
        )})
          AND grain IN (${sql.join(
            COUNT_GRAINS.map((g) => sql`${literal(g)}::count_grain`),
            sql`, `,
          )})
          AND bucket >= ${from.toISOString()}::timestamptz
          AND bucket < ${to.toISOString()}::timestamptz`,
  );
}

/** Adds the counts of every event in `table` (events, or a month being loaded) into event_counts. */
export function countEventsOfTableSql(table: string): SQL {
  return rollUpCounts(
    finestCountsOf(sql`(SELECT 1 AS sign, ${countedColumns()} FROM ${sql.identifier(table)})`),
  );
}
