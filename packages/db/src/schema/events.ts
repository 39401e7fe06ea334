import { relations, sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  index,
  inet,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

import { bigintId, byteText, serialId, timestampMs } from './columns';
import { jobs } from './jobs';
import {
  EVENT_ACTIONS,
  type EVENT_FIELDS,
  type EventField,
  type FieldsWhere,
  type ValueKind,
} from '../event-fields';
import { EVENT_STATUSES, type ChangeFormat } from '../values';

export { EVENT_STATUSES, CHANGE_FORMATS, type EventStatus, type ChangeFormat } from '../values';
export { EVENT_ACTIONS, type EventAction } from '../event-fields';

export const eventStatus = pgEnum('event_status', EVENT_STATUSES);
export const eventAction = pgEnum('event_action', EVENT_ACTIONS);

/** One object a task touched (Junos Space "Affected Objects" / "Affected Object Detail"). */
export interface AffectedObject {
  type: string;
  name: string;
  id?: string;
  detail?: string;
}

/** A configuration before/after ("View Configuration Detail"). */
export interface EventChanges {
  format: ChangeFormat;
  before?: unknown;
  after?: unknown;
}

export const eventsIdSequence = pgSequence('events_id_seq');

/** Sorting by description compares this many leading characters (a btree entry's size bound). */
export const DESCRIPTION_SORT_CHARS = 256;

/** What a sort by description orders by; the index events_description_sort_idx is built on it. */
export function descriptionSortKey(column: AnyPgColumn): SQL {
  return sql`left(${column}, ${sql.raw(String(DESCRIPTION_SORT_CHARS))})`;
}

/**
 * The audit log. Range-partitioned by month on occurred_at (see migrations/0001): the
 * CREATE TABLE drizzle-kit generates is edited to add `PARTITION BY RANGE`, which
 * drizzle-kit cannot express. Every unique key carries occurred_at (the partition key)
 * and tenant (the future Citus distribution column).
 */
export const events = pgTable(
  'events',
  {
    id: serialId('events_id_seq'),
    eventId: uuid('event_id').notNull().defaultRandom(),
    tenant: byteText('tenant').notNull().default('default'),
    occurredAt: timestampMs('occurred_at').notNull(),
    recordedAt: timestampMs('recorded_at').notNull().defaultNow(),
    userName: byteText('user_name').notNull(),
    userIp: inet('user_ip'),
    userAgent: byteText('user_agent'),
    // Derived from userAgent at ingest (event-derivations.ts); NULL for events stored before.
    agent: byteText('agent'),
    domain: byteText('domain'),
    application: byteText('application'),
    workspace: byteText('workspace'),
    systemId: byteText('system_id'),
    taskName: byteText('task_name').notNull(),
    // Given, or derived from taskName at ingest; NULL for events stored before it existed.
    action: eventAction('action'),
    objectType: byteText('object_type'),
    objectName: byteText('object_name'),
    status: eventStatus('status').notNull(),
    resultCode: byteText('result_code'),
    description: byteText('description'),
    // No foreign key: a service may record events for a job before (or without) reporting
    // it, and an audit record must never be refused for that.
    jobId: bigintId('job_id'),
    affectedObjects: jsonb('affected_objects').$type<AffectedObject[]>().notNull().default([]),
    changes: jsonb('changes').$type<EventChanges>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    // Who sent the event and its number in that sender's sequence (lost-event detection);
    // NULL for events recorded without (before they existed, or not through the recorder).
    producerId: byteText('producer_id'),
    producerSeq: bigint('producer_seq', { mode: 'number' }),
  },
  (t) => [
    // Keyset order is (occurred_at, event_id): this key serves the default newest-first
    // list, time ranges, and idempotent inserts (ON CONFLICT) with one index.
    primaryKey({ name: 'events_pkey', columns: [t.occurredAt, t.eventId, t.tenant] }),
    index('events_id_idx').on(t.id),
    index('events_user_name_idx').on(t.userName, t.occurredAt, t.eventId),
    index('events_task_name_idx').on(t.taskName, t.occurredAt, t.eventId),
    index('events_object_name_idx').on(t.objectName, t.occurredAt, t.eventId),
    index('events_status_idx').on(t.status, t.occurredAt, t.eventId),
    // Every sortable column has its keyset index (column, occurred_at, event_id), so that a
    // page sorted by it reads one page of index wherever it starts, NULLs included (`IS
    // NULL` is an index condition): migrations/0003, found by the benchmark; pinned by
    // packages/bench/src/plans.test.ts.
    index('events_job_id_idx').on(t.jobId, t.occurredAt, t.eventId),
    index('events_recorded_at_idx').on(t.recordedAt, t.occurredAt, t.eventId),
    index('events_event_id_idx').on(t.eventId, t.occurredAt),
    index('events_tenant_idx').on(t.tenant, t.occurredAt, t.eventId),
    index('events_user_ip_sort_idx').on(t.userIp, t.occurredAt, t.eventId),
    index('events_user_agent_idx').on(t.userAgent, t.occurredAt, t.eventId),
    index('events_domain_idx').on(t.domain, t.occurredAt, t.eventId),
    index('events_application_idx').on(t.application, t.occurredAt, t.eventId),
    index('events_workspace_idx').on(t.workspace, t.occurredAt, t.eventId),
    index('events_system_id_idx').on(t.systemId, t.occurredAt, t.eventId),
    index('events_object_type_idx').on(t.objectType, t.occurredAt, t.eventId),
    index('events_result_code_idx').on(t.resultCode, t.occurredAt, t.eventId),
    index('events_action_idx').on(t.action, t.occurredAt, t.eventId),
    index('events_agent_idx').on(t.agent, t.occurredAt, t.eventId),
    index('events_producer_id_idx').on(t.producerId, t.occurredAt, t.eventId),
    // A description may be longer than a btree entry can hold: it sorts by its first
    // DESCRIPTION_SORT_CHARS characters (then by time), and that prefix is what is indexed.
    index('events_description_sort_idx').on(
      descriptionSortKey(t.description),
      t.occurredAt,
      t.eventId,
    ),
    index('events_user_ip_idx').using('gist', t.userIp.op('inet_ops')),
    index('events_description_fts_idx').using(
      'gin',
      sql`to_tsvector('simple', coalesce(${t.description}, ''))`,
    ),
  ],
);

export const eventsRelations = relations(events, ({ one }) => ({
  job: one(jobs, { fields: [events.jobId], references: [jobs.id] }),
}));

export type Event = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;

// The table and the field declarations (event-fields.ts) must agree: each of these fails to
// compile, naming the field, until they do.
type AssertNever<T extends never> = T;
/** The TypeScript type a column holds for each declared kind. */
interface KindTypes extends Record<ValueKind, unknown> {
  id: string;
  uuid: string;
  time: Date;
  text: string;
  code: string;
  ip: string;
  enum: string;
  json: unknown;
  count: number;
}
type _ColumnsWithoutDeclaration = AssertNever<Exclude<keyof Event, EventField>>;
type _DeclarationsWithoutColumn = AssertNever<Exclude<EventField, keyof Event>>;
type _KindMismatch = AssertNever<
  {
    [K in EventField]: NonNullable<Event[K]> extends KindTypes[(typeof EVENT_FIELDS)[K]['kind']]
      ? never
      : K;
  }[EventField]
>;
type RequiredOnInsert = {
  [K in keyof NewEvent]-?: undefined extends NewEvent[K] ? never : K;
}[keyof NewEvent];
// A field callers must give is NOT NULL without a default. (The converse need not hold:
// occurredAt is NOT NULL, and the server's clock stands in when a caller gives none.)
type _RequiredMismatch = AssertNever<Exclude<FieldsWhere<'source', 'required'>, RequiredOnInsert>>;
