import {
  COUNT_GRAINS,
  COUNT_DIMENSIONS,
  compactEventCounts,
  events,
  queryRows,
  type EventStatus,
} from '@audit/db';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';

import { FACET_FIELDS, type FacetField } from '../data/event-counts';
import { grainFloor } from '../data/time-buckets';
import type { EventFilterInput } from '../filters/schema';
import type { Caller, TestApp } from './harness';

/** One stored event as the counts see it, read straight from the events table (a full scan). */
export type ScannedEvent = { at: number; tenant: string; status: EventStatus } & Record<
  FacetField,
  string | null
>;

export async function scanEvents(app: TestApp): Promise<ScannedEvent[]> {
  const rows = await queryRows<Record<string, string | null>>(
    app.store.db,
    sql`SELECT (extract(epoch FROM ${events.occurredAt}) * 1000)::bigint::text AS at,
               ${sql.join(
                 FACET_FIELDS.map(
                   (field) => sql`${events[field]}::text AS ${sql.identifier(field)}`,
                 ),
                 sql`, `,
               )}
        FROM ${events}`,
  );
  return rows.map((row) => ({ ...row, at: Number(row.at) }) as unknown as ScannedEvent);
}

/** A facet's values as the API orders them: most frequent first, ties in byte order, NULL last. */
export function topValues(
  list: ScannedEvent[],
  field: FacetField,
  limit: number,
): { value: string | null; count: number }[] {
  const counts = new Map<string | null, number>();
  for (const e of list) counts.set(e[field], (counts.get(e[field]) ?? 0) + 1);
  const byteOrder = (a: string | null, b: string | null) =>
    a === null
      ? b === null
        ? 0
        : 1
      : b === null
        ? -1
        : Buffer.compare(Buffer.from(a), Buffer.from(b));
  return [...counts]
    .sort((a, b) => b[1] - a[1] || byteOrder(a[0], b[0]))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

/**
 * The histogram's and the facets' answers for `filter` equal a count of `matching` (the
 * events the filter matches, from a full scan): every bucket, every status, every facet.
 */
export async function expectAnswersMatch(
  caller: Caller,
  filter: EventFilterInput,
  matching: ScannedEvent[],
  options: { timeZone?: string; buckets?: number; exact?: boolean } = {},
): Promise<void> {
  const histogram = await caller.auditLogs.histogram({
    filter,
    timeZone: options.timeZone ?? 'UTC',
    buckets: options.buckets ?? 60,
  });
  if (options.exact !== false) expect(histogram.basis.exact).toBe(true);
  const starts = histogram.buckets.map((b) => Date.parse(b.start));
  const end = histogram.to ? Date.parse(histogram.to) + 1 : 0;
  histogram.buckets.forEach((bucket, i) => {
    const from = starts[i] ?? 0;
    const to = starts[i + 1] ?? end;
    const members = matching.filter((e) => e.at >= from && e.at < to);
    expect({ start: bucket.start, total: bucket.total }).toEqual({
      start: bucket.start,
      total: members.length,
    });
    for (const [status, n] of Object.entries(bucket.byStatus))
      expect([bucket.start, status, n]).toEqual([
        bucket.start,
        status,
        members.filter((e) => e.status === status).length,
      ]);
  });
  expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(matching.length);

  const limit = 100;
  const facets = await caller.auditLogs.facets({ filter, limit });
  if (options.exact !== false) expect(facets.basis.exact).toBe(true);
  for (const field of FACET_FIELDS) {
    expect([field, facets.fields[field]]).toEqual([field, topValues(matching, field, limit)]);
  }
}

/**
 * After compaction, event_counts holds at every grain exactly what a full scan of events
 * gives (no deltas left), and the answers over everything match it too.
 */
export async function expectCountsMatchEvents(app: TestApp, caller = app.admin): Promise<void> {
  const scanned = await scanEvents(app);
  // With whatever deltas are pending, then with none.
  await expectAnswersMatch(caller, {}, scanned);
  await compactEventCounts(app.store.db);
  await expectAnswersMatch(caller, {}, scanned);

  const [pending] = await queryRows<{ n: number }>(
    app.store.db,
    sql`SELECT count(*)::int AS n FROM event_count_deltas`,
  );
  expect(pending?.n).toBe(0);
  const stored = await queryRows<{ key: string; n: string }>(
    app.store.db,
    sql`SELECT concat_ws('|', dimension, grain, (extract(epoch FROM bucket) * 1000)::bigint,
                         tenant, status, coalesce(value, '∅')) AS key, n::text AS n
        FROM event_counts WHERE n <> 0`,
  );
  const expected = new Map<string, number>();
  for (const e of scanned) {
    for (const dimension of COUNT_DIMENSIONS) {
      for (const grain of COUNT_GRAINS) {
        if (grain === 'minute' && dimension !== '*') continue;
        const value = dimension === '*' ? null : e[dimension];
        const key = [
          dimension,
          grain,
          grainFloor(e.at, grain),
          e.tenant,
          e.status,
          value ?? '∅',
        ].join('|');
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
  }
  expect(new Map(stored.map((row) => [row.key, Number(row.n)]))).toEqual(expected);
}
