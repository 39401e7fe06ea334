import { relations, sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  smallint,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { archives } from './archives';
import { serialId, timestampMs } from './columns';
import { JOB_STATES } from '../values';

export {
  JOB_STATES,
  FINISHED_JOB_STATES,
  BUILTIN_JOB_TYPES,
  type JobState,
  type BuiltinJobType,
} from '../values';

export const jobState = pgEnum('job_state', JOB_STATES);

/** Junos Space "Recurrence": the interval, and optionally when the recurrence starts and ends. */
export interface JobRecurrence {
  /** ISO-8601 duration, e.g. `P1D` for daily. */
  interval: string;
  startsAt?: string;
  endsAt?: string;
}

export const jobsIdSequence = pgSequence('jobs_id_seq');

export const jobs = pgTable(
  'jobs',
  {
    id: serialId('jobs_id_seq').primaryKey(),
    // The tenant a token acted for; NULL for the installation's own jobs (a signed-in user's
    // export, a purge, retention), which tokens, acting for one tenant, do not see.
    tenant: text('tenant'),
    name: text('name').notNull(),
    type: text('type').notNull(),
    state: jobState('state').notNull().default('scheduled'),
    percent: smallint('percent').notNull().default(0),
    summary: text('summary'),
    scheduledAt: timestampMs('scheduled_at').notNull().defaultNow(),
    startedAt: timestampMs('started_at'),
    endedAt: timestampMs('ended_at'),
    recurrence: jsonb('recurrence').$type<JobRecurrence>(),
    createdBy: text('created_by').notNull(),
    // A service reporting its own job names it by (system_id, external_key).
    systemId: text('system_id'),
    externalKey: text('external_key'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    // Claimed work: which process holds it and until when (FOR UPDATE SKIP LOCKED).
    lockedBy: text('locked_by'),
    lockedUntil: timestampMs('locked_until'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('jobs_percent_range', sql`${t.percent} BETWEEN 0 AND 100`),
    uniqueIndex('jobs_external_key_idx').on(t.tenant, t.systemId, t.externalKey),
    index('jobs_claim_idx')
      .on(t.scheduledAt)
      .where(sql`${t.state} = 'scheduled'`),
    index('jobs_type_idx').on(t.type, t.id),
    index('jobs_state_idx').on(t.state, t.id),
  ],
);

export const jobsRelations = relations(jobs, ({ many }) => ({
  archives: many(archives),
}));

export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
