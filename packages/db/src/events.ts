import { getTableColumns, is, sql, SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

import type { Database } from './client';
import { countedColumns, insertCountDeltas } from './event-counts';
import { ensurePartitionsFor } from './partitions';
import { withDerivedFields } from './event-derivations';
import { declarationOf, type EventField } from './event-fields';
import { events, type NewEvent } from './schema';
import { queryRows } from './sql';

/** What a caller supplies for one event; the server assigns id and recordedAt. */
export type EventInput = Omit<NewEvent, 'id' | 'recordedAt'>;

/**
 * The columns an insert writes, by field: all but those only the server sets when storing
 * (id, recordedAt); derived fields are written, computed before the insert.
 */
export const INSERT_COLUMNS = Object.entries(getTableColumns(events)).filter(([field]) => {
  const declared = declarationOf(field as EventField);
  return declared.source !== 'server' || declared.derived === true;
}) as [EventField, AnyPgColumn][];

const INSERT_COLUMN_LIST = sql.join(
  INSERT_COLUMNS.map(([, column]) => sql.identifier(column.name)),
  sql`, `,
);

/** The record type jsonb_to_recordset reads a row as (text without the column's collation). */
const INSERT_RECORD_TYPE = sql.raw(
  INSERT_COLUMNS.map(
    ([, column]) => `"${column.name}" ${column.getSQLType().replace(/ COLLATE .*$/, '')}`,
  ).join(', '),
);

/**
 * One event as a row of plain JSON values keyed by column name, derived fields filled in:
 * what jsonb_to_recordset and COPY (seed/load.ts) take. An absent value is the column's
 * default when it has a plain one (tenant, the JSON documents), else NULL.
 */
export function insertRow(input: EventInput): Record<string, unknown> {
  const event: Partial<Record<EventField, unknown>> = withDerivedFields(input);
  const row: Record<string, unknown> = {};
  for (const [field, column] of INSERT_COLUMNS) {
    let value: unknown = event[field] ?? null;
    if (value === null && column.hasDefault && !is(column.default, SQL)) value = column.default;
    row[column.name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return row;
}

export interface StoredEvent {
  id: string;
  eventId: string;
  tenant: string;
  occurredAt: Date;
  /** false: an event with this (tenant, occurredAt, eventId) was already stored. */
  created: boolean;
}

/**
 * Stores a batch in one INSERT (the rows travel as one jsonb parameter, so the statement
 * is the same whatever the batch size and neither driver has to guess array types).
 * Idempotent: a row whose (occurredAt, eventId, tenant) is already stored is skipped and
 * reported with the stored id. Returns one entry per input, in input order.
 */
export async function insertEvents(db: Database, inputs: EventInput[]): Promise<StoredEvent[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) =>
    insertRow({ ...input, eventId: input.eventId ?? crypto.randomUUID() }),
  );
  // Each row's primary key, by which a retry finds what it stored earlier.
  const rowKeys = rows.map((row) => ({
    tenant: row.tenant as string,
    occurred_at: row.occurred_at as string,
    event_id: row.event_id as string,
  }));

  await ensurePartitionsFor(
    db,
    inputs.map((input) => input.occurredAt),
  );

  // The counts of what was actually inserted go in with it (a retry inserts and counts nothing).
  const inserted = await queryRows<{
    id: string;
    event_id: string;
    tenant: string;
    occurred_at: string;
  }>(
    db,
    sql`WITH stored AS (
          INSERT INTO events (${INSERT_COLUMN_LIST})
          SELECT ${INSERT_COLUMN_LIST}
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${INSERT_RECORD_TYPE})
          ON CONFLICT DO NOTHING
          RETURNING id, event_id, ${countedColumns()}),
        counted AS (${insertCountDeltas(sql`stored`, 1)})
        SELECT id::text, event_id::text, tenant, ${epochMs(sql`occurred_at`)} AS occurred_at
        FROM stored`,
  );

  const keyOf = (tenant: string, occurredAtMs: number, eventId: string) =>
    `${tenant}\u0000${occurredAtMs}\u0000${eventId}`;
  const ids = new Map(
    inserted.map((row) => [keyOf(row.tenant, Number(row.occurred_at), row.event_id), row.id]),
  );

  // Retries of events stored earlier: report the id they were stored under.
  const keys = rowKeys.filter(
    (row) => !ids.has(keyOf(row.tenant, Date.parse(row.occurred_at), row.event_id)),
  );
  const existing = new Map<string, string>();
  if (keys.length > 0) {
    const found = await queryRows<{
      id: string;
      event_id: string;
      tenant: string;
      occurred_at: string;
    }>(
      db,
      sql`SELECT e.id::text, e.event_id::text, e.tenant, ${epochMs(sql`e.occurred_at`)} AS occurred_at
          FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb)
            AS k(tenant text, occurred_at timestamptz, event_id uuid)
          JOIN events e
            ON e.occurred_at = k.occurred_at AND e.event_id = k.event_id AND e.tenant = k.tenant`,
    );
    for (const row of found) {
      existing.set(keyOf(row.tenant, Number(row.occurred_at), row.event_id), row.id);
    }
  }

  // Within one batch the same key may appear twice: the first is created, the second is not.
  const claimed = new Set<string>();
  return rowKeys.map((row, index) => {
    const key = keyOf(row.tenant, Date.parse(row.occurred_at), row.event_id);
    const newId = ids.get(key);
    const created = newId !== undefined && !claimed.has(key);
    claimed.add(key);
    const id = newId ?? existing.get(key);
    if (id === undefined) throw new Error(`event ${row.event_id} was neither stored nor found`);
    return {
      id,
      eventId: row.event_id,
      tenant: row.tenant,
      occurredAt: (inputs[index] as EventInput).occurredAt,
      created,
    };
  });
}

/** Milliseconds since the epoch as text: exact, and the same from both drivers. */
function epochMs(column: ReturnType<typeof sql>) {
  return sql`(extract(epoch FROM ${column}) * 1000)::bigint::text`;
}
