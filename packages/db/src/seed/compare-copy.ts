import { randomUUID } from 'node:crypto';

import type postgres from 'postgres';

import { monthStart } from '../partitions';
import { generateSeed, type SeedOptions } from './generate';
import { EVENT_COPY_COLUMNS, eventCopyText, openCopy } from './load';

/**
 * The yardstick for db:seed: the same generated rows, rendered to COPY text beforehand
 * (untimed), then COPYed through a partitioned table with the same indexes as events.
 */
export async function timePlainCopy(
  pool: postgres.Sql,
  options: SeedOptions,
): Promise<{ rows: number; seconds: number }> {
  const table = `events_copy_check_${randomUUID().slice(0, 8)}`;
  const texts: string[] = [];
  let rows = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  for (const chunk of generateSeed(options)) {
    const events = chunk.events.map((event) => ({ ...event, jobId: null }));
    first ??= events[0]?.occurredAt;
    last = events.at(-1)?.occurredAt ?? last;
    texts.push(eventCopyText(events));
    rows += events.length;
  }
  if (!first || !last) return { rows: 0, seconds: 0 };

  const conn = await pool.reserve();
  try {
    await conn.unsafe(
      `CREATE TABLE ${table} (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)
         PARTITION BY RANGE (occurred_at)`,
    );
    for (
      let m = monthStart(first);
      m <= last;
      m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))
    ) {
      const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
      await conn.unsafe(
        `CREATE TABLE ${table}_${m.toISOString().slice(0, 7).replace('-', '')} PARTITION OF ${table}
           FOR VALUES FROM ('${m.toISOString()}') TO ('${next.toISOString()}')`,
      );
    }
    const started = performance.now();
    const copy = await openCopy(conn, table, EVENT_COPY_COLUMNS);
    for (const text of texts) await copy.write(text);
    await copy.end();
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await conn.unsafe(`DROP TABLE IF EXISTS ${table}`);
    conn.release();
  }
}
