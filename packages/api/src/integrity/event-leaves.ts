/**
 * Events as the seal chain sees them: each one's canonical form (@audit/db/integrity) read
 * straight from its row, and its leaf hash. The sealer and verification share this, so
 * both take the same bytes from the same row.
 */
import { events, queryRows, type Database } from '@audit/db';
import { declarationOf, EVENT_FIELD_NAMES, type EventField } from '@audit/db/fields';
import { canonicalEvent, leafHash, type Hash } from '@audit/db/integrity';
import { getTableColumns, sql, type SQL } from 'drizzle-orm';

const COLUMNS = getTableColumns(events);

/** Every field as text (times already ISO 8601 UTC with milliseconds, as the form has them). */
function canonicalText(field: EventField): SQL {
  const column = COLUMNS[field];
  return declarationOf(field).kind === 'time'
    ? sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql`${column}::text`;
}

const SELECT_LIST = sql.join(
  EVENT_FIELD_NAMES.map((field) => sql`${canonicalText(field)} AS ${sql.identifier(field)}`),
  sql`, `,
);

/** One event's id, tenant, recordedAt and leaf hash. */
export interface EventLeaf {
  id: bigint;
  eventId: string;
  tenant: string;
  recordedAt: string;
  hash: Hash;
}

type TextRow = Record<EventField, string | null>;

function leafOf(row: TextRow): EventLeaf {
  const source: Partial<Record<EventField, unknown>> = {};
  for (const field of EVENT_FIELD_NAMES) {
    const text = row[field];
    source[field] =
      text !== null && declarationOf(field).kind === 'json' ? (JSON.parse(text) as unknown) : text;
  }
  return {
    id: BigInt(row.id ?? '0'),
    eventId: row.eventId ?? '',
    tenant: row.tenant ?? '',
    recordedAt: row.recordedAt ?? '',
    hash: leafHash(canonicalEvent(source)),
  };
}

/** The events whose id lies in (afterId, throughId], in id order, at most `limit` of them. */
export async function readEventLeaves(
  db: Database,
  range: { afterId: bigint; throughId: bigint; limit: number },
): Promise<EventLeaf[]> {
  const rows = await queryRows<TextRow>(
    db,
    sql`SELECT ${SELECT_LIST} FROM ${events}
        WHERE ${events.id} > ${range.afterId.toString()}::bigint
          AND ${events.id} <= ${range.throughId.toString()}::bigint
        ORDER BY ${events.id} LIMIT ${range.limit}`,
  );
  return rows.map(leafOf);
}
