import { getTableColumns, is, sql, SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

import type { Database } from './client';
import { countedColumns, insertCountDeltas } from './event-counts';
import { ensurePartitionsFor } from './partitions';
import { recordProducerSeqs } from './producer-seqs';
import { withDerivedFields } from './event-derivations';
import { declarationOf, type EventField } from './event-fields';
import { eventKeys, events, type NewEvent } from './schema';
import { queryRows } from './sql';

/**
 * The advisory lock every writer of events holds, shared, until its transaction ends: the
 * sealer takes it exclusively for an instant to learn an id below which every insert has
 * committed or rolled back (integrity sealing, docs/integrity.md). Ids come from a sequence
 * without cache, so an insert that starts after that instant draws higher ids.
 */
export const INGEST_LOCK = 7_412_003_030;

/** Takes INGEST_LOCK shared, as a one-row SELECT a statement can join (a void in text). */
export function ingestLockSql(): SQL {
  return sql`SELECT pg_advisory_xact_lock_shared(${INGEST_LOCK})::text AS held`;
}

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

/** An event to store: occurredAt, when absent, is the time it is stored at. */
export type EventToStore = Omit<EventInput, 'occurredAt'> & { occurredAt?: Date | undefined };

/**
 * What storing one event did:
 * - `created`: stored now;
 * - `duplicate`: its eventId was stored before with the same content (a retry): not again;
 * - `conflict`: its eventId was stored before with other content (another time given, or
 *   another field): not stored; the stored event is kept and its id and time reported.
 */
export const STORE_OUTCOMES = ['created', 'duplicate', 'conflict'] as const;
export type StoreOutcome = (typeof STORE_OUTCOMES)[number];

export interface StoredEvent {
  /** The stored event's id and time: this input's, or the earlier one's it repeats. */
  id: string;
  eventId: string;
  tenant: string;
  occurredAt: Date;
  outcome: StoreOutcome;
}

/**
 * The columns compared to tell a retry from a conflicting reuse of an eventId: what a
 * caller gives, but the key itself (tenant, eventId), occurredAt (compared only when given),
 * derived fields (computed by this version of the server, not sent) and delivery fields (the
 * same event sent again by a new recorder carries another producer and sequence number).
 */
const CONTENT_COLUMNS = INSERT_COLUMNS.filter(([field]) => {
  const declared = declarationOf(field);
  return (
    declared.derived !== true &&
    declared.delivery !== true &&
    !['tenant', 'eventId', 'occurredAt'].includes(field)
  );
}).map(([, column]) => column.name);

/** The compared content of a row as one jsonb value (jsonb equality ignores key order). */
function contentOf(alias: string): SQL {
  return sql.raw(
    `jsonb_build_object(${CONTENT_COLUMNS.map((name) => `'${name}', ${alias}."${name}"`).join(', ')})`,
  );
}

/**
 * Stores a batch in one statement (the rows travel as one jsonb parameter, so the statement
 * is the same whatever the batch size and neither driver has to guess array types).
 *
 * Idempotent by (tenant, eventId) alone: the statement claims each key in event_keys and
 * stores only the events whose key it got, so a retry is not stored again whatever
 * occurredAt it carries or omits, and two sessions storing the same eventId at once store
 * it once (the second waits for the first's key). What was not stored is then compared
 * with the stored event: a `duplicate` or a `conflict`. Returns one entry per input, in
 * input order. Call it in a transaction for the batch to be stored whole or not at all.
 *
 * The same statement appends the producers' sequence numbers the batch carried to
 * producer_seq_deltas (producer-seqs.ts), `now` being when they were seen: every input's,
 * repeats included (a repeat did arrive; its number was seen), so a gap is what never came.
 */
export async function insertEvents(
  db: Database,
  inputs: EventToStore[],
  now: Date = new Date(),
): Promise<StoredEvent[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) =>
    insertRow({
      ...input,
      occurredAt: input.occurredAt ?? now,
      eventId: input.eventId?.toLowerCase() ?? crypto.randomUUID(),
    }),
  );
  const keyOf = (row: Record<string, unknown>) =>
    `${row.tenant as string}\u0000${row.event_id as string}`;

  // The same key twice in one batch: the first is offered for storing, the others are
  // compared with it afterwards like any repeat.
  const offered = new Map<string, Record<string, unknown>>();
  for (const row of rows) if (!offered.has(keyOf(row))) offered.set(keyOf(row), row);

  await ensurePartitionsFor(
    db,
    [...offered.values()].map((row) => new Date(row.occurred_at as string)),
  );

  // The counts of what was actually inserted go in with it (a retry inserts and counts nothing).
  const inserted = await queryRows<{ id: string; event_id: string; tenant: string }>(
    db,
    sql`WITH ingest_lock AS MATERIALIZED (${ingestLockSql()}),
        input AS MATERIALIZED (
          SELECT r.* FROM ingest_lock,
            jsonb_to_recordset(${JSON.stringify([...offered.values()])}::jsonb)
            AS r(${INSERT_RECORD_TYPE})),
        claimed AS (
          INSERT INTO ${eventKeys} (tenant, event_id, occurred_at)
          SELECT tenant, event_id, occurred_at FROM input
          ON CONFLICT DO NOTHING
          RETURNING tenant, event_id),
        stored AS (
          INSERT INTO events (${INSERT_COLUMN_LIST})
          SELECT ${INSERT_COLUMN_LIST} FROM input
          WHERE (tenant, event_id) IN (SELECT tenant, event_id FROM claimed)
          -- Only a copy stored twice before event_keys (migration 0009) can be here already.
          ON CONFLICT DO NOTHING
          RETURNING id, event_id, ${countedColumns()}),
        counted AS (${insertCountDeltas(sql`stored`, 1)})${recordProducerSeqs(rows, now)}
        SELECT id::text, event_id::text, tenant FROM stored`,
  );
  const created = new Map(inserted.map((row) => [keyOf(row), row.id]));
  const createdId = (row: Record<string, unknown>) =>
    offered.get(keyOf(row)) === row ? created.get(keyOf(row)) : undefined;

  // The rest repeat an eventId stored earlier (or earlier in this batch): find the stored
  // event and compare. occurredAt counts only when this input gave one.
  const repeats = rows
    .map((row, index) => ({ ...row, n: index, given: inputs[index]?.occurredAt !== undefined }))
    .filter((_, index) => createdId(rows[index] ?? {}) === undefined);
  const found = new Map<number, { id: string; occurred_at: string; same: boolean }>();
  if (repeats.length > 0) {
    const matches = await queryRows<{ n: number; id: string; occurred_at: string; same: boolean }>(
      db,
      sql`SELECT r.n, e.id::text, ${epochMs(sql`e.occurred_at`)} AS occurred_at,
                 ${contentOf('r')} = ${contentOf('e')}
                   AND (NOT r.given OR r.occurred_at = e.occurred_at) AS same
          FROM jsonb_to_recordset(${JSON.stringify(repeats)}::jsonb)
            AS r(${INSERT_RECORD_TYPE}, n int, given boolean)
          JOIN ${eventKeys} k ON k.tenant = r.tenant AND k.event_id = r.event_id
          JOIN events e
            ON e.occurred_at = k.occurred_at AND e.event_id = k.event_id AND e.tenant = k.tenant`,
    );
    for (const match of matches) found.set(match.n, match);
  }

  return rows.map((row, index) => {
    const base = { eventId: row.event_id as string, tenant: row.tenant as string };
    const newId = createdId(row);
    if (newId !== undefined) {
      return {
        ...base,
        id: newId,
        occurredAt: new Date(row.occurred_at as string),
        outcome: 'created',
      };
    }
    const match = found.get(index);
    if (!match) throw new Error(`event ${base.eventId} was neither stored nor found`);
    return {
      ...base,
      id: match.id,
      occurredAt: new Date(Number(match.occurred_at)),
      outcome: match.same ? 'duplicate' : 'conflict',
    };
  });
}

/** Milliseconds since the epoch as text: exact, and the same from both drivers. */
function epochMs(column: ReturnType<typeof sql>) {
  return sql`(extract(epoch FROM ${column}) * 1000)::bigint::text`;
}

/**
 * The statement that removes the event keys of deleted events, for a purge to run beside
 * its DELETE: `gone` is the DELETE's RETURNING, holding tenant, event_id and occurred_at.
 * A key goes only with the very event it points at.
 */
export function forgetEventKeys(gone: SQL): SQL {
  return sql`DELETE FROM ${eventKeys} k USING ${gone} g
             WHERE k.tenant = g.tenant AND k.event_id = g.event_id AND k.occurred_at = g.occurred_at`;
}

/** Removes the keys of a month's events, before its partition is dropped (same transaction). */
export async function forgetEventKeysOfPartition(db: Database, partition: string): Promise<void> {
  await db.execute(
    sql`DELETE FROM ${eventKeys} k USING ${sql.identifier(partition)} e
        WHERE k.tenant = e.tenant AND k.event_id = e.event_id AND k.occurred_at = e.occurred_at`,
  );
}
