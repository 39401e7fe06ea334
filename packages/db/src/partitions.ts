import { sql } from 'drizzle-orm';

import type { Database } from './client';
import { queryRows } from './sql';

/** First instant (UTC) of the month holding `at`, as the key partitions are named by. */
export function monthStart(at: Date): Date {
  // Not Date.UTC(year, month, 1): it takes years 0–99 as 1900–1999.
  const start = new Date(0);
  start.setUTCFullYear(at.getUTCFullYear(), at.getUTCMonth(), 1);
  return start;
}

/** `events_p202611` for November 2026. */
export function partitionName(at: Date): string {
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `events_p${String(at.getUTCFullYear()).padStart(4, '0')}${month}`;
}

/**
 * Makes sure every month in `occurredAts` has its partition. Cheap when they exist (one
 * catalog lookup a month), so the insert path calls it for every batch rather than
 * trusting a cache that a purge dropping a partition would make stale.
 */
export async function ensurePartitionsFor(
  db: Database,
  occurredAts: Iterable<Date>,
): Promise<void> {
  const months = new Set<string>();
  for (const at of occurredAts) months.add(monthStart(at).toISOString());
  if (months.size === 0) return;
  await db.execute(
    sql`SELECT audit_ensure_event_partition(m::timestamptz)
        FROM jsonb_array_elements_text(${JSON.stringify([...months])}::jsonb) AS m`,
  );
}

/** Every month from `from` to `to`, both included. */
export async function ensureEventPartitions(db: Database, from: Date, to: Date): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT audit_ensure_event_partitions(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz) AS name`,
  );
  return rows.map((row) => row.name);
}

export interface EventPartition {
  name: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The monthly partitions of events, oldest first. */
export async function listEventPartitions(db: Database): Promise<EventPartition[]> {
  const rows = await queryRows<{ name: string; bound: string }>(
    db,
    sql`SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass`,
  );
  return rows
    .map((row) => {
      // FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')
      const [, from, to] = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(row.bound) ?? [];
      if (!from || !to) throw new Error(`unexpected partition bound for ${row.name}: ${row.bound}`);
      return { name: row.name, from: parsePgTimestamp(from), to: parsePgTimestamp(to) };
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** `2026-11-01 00:00:00.123+00` (PostgreSQL's text output of a timestamptz) → Date. */
export function parsePgTimestamp(text: string): Date {
  const iso = text
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00')
    .replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`unexpected timestamp: ${text}`);
  return date;
}
