import { sql } from 'drizzle-orm';

import type { Database } from './client';
import { countedColumns, insertCountDeltas } from './event-counts';
import { ensurePartitionsFor } from './partitions';
import type { NewEvent } from './schema';
import { queryRows } from './sql';

/** What a caller supplies for one event; the server assigns id and recordedAt. */
export type EventInput = Omit<NewEvent, 'id' | 'recordedAt'>;

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
  const rows = inputs.map((input) => ({
    event_id: input.eventId ?? crypto.randomUUID(),
    tenant: input.tenant ?? 'default',
    occurred_at: input.occurredAt.toISOString(),
    user_name: input.userName,
    user_ip: input.userIp ?? null,
    user_agent: input.userAgent ?? null,
    domain: input.domain ?? null,
    application: input.application ?? null,
    workspace: input.workspace ?? null,
    system_id: input.systemId ?? null,
    task_name: input.taskName,
    object_type: input.objectType ?? null,
    object_name: input.objectName ?? null,
    status: input.status,
    result_code: input.resultCode ?? null,
    description: input.description ?? null,
    job_id: input.jobId ?? null,
    affected_objects: input.affectedObjects ?? [],
    changes: input.changes ?? null,
    metadata: input.metadata ?? {},
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
          INSERT INTO events (
            event_id, tenant, occurred_at, user_name, user_ip, user_agent, domain, application,
            workspace, system_id, task_name, object_type, object_name, status, result_code,
            description, job_id, affected_objects, changes, metadata)
          SELECT
            event_id, tenant, occurred_at, user_name, user_ip, user_agent, domain, application,
            workspace, system_id, task_name, object_type, object_name, status, result_code,
            description, job_id, affected_objects, changes, metadata
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
            event_id uuid, tenant text, occurred_at timestamptz, user_name text, user_ip inet,
            user_agent text, domain text, application text, workspace text, system_id text,
            task_name text, object_type text, object_name text, status event_status,
            result_code text, description text, job_id bigint, affected_objects jsonb,
            changes jsonb, metadata jsonb)
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
  const missing = rows.filter(
    (row) => !ids.has(keyOf(row.tenant, Date.parse(row.occurred_at), row.event_id)),
  );
  const existing = new Map<string, string>();
  if (missing.length > 0) {
    const keys = missing.map((row) => ({
      tenant: row.tenant,
      occurred_at: row.occurred_at,
      event_id: row.event_id,
    }));
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
  return rows.map((row, index) => {
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
