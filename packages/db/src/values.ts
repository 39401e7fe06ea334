/**
 * Every value list of the schema, free of database code so the browser can import it too.
 * Each `const` array feeds both a pg enum (in schema/) and its TypeScript type.
 */

export const EVENT_STATUSES = [
  'success',
  'failure',
  'job_scheduled',
  'recurring_job_scheduled',
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * Time grains of the event counts (schema/event-counts.ts), finest first. A grain's buckets
 * start on its UTC boundaries, so every bucket lies in one monthly partition of events.
 */
export const COUNT_GRAINS = ['minute', 'hour', 'day', 'month'] as const;
export type CountGrain = (typeof COUNT_GRAINS)[number];

export const CHANGE_FORMATS = ['text', 'json'] as const;
export type ChangeFormat = (typeof CHANGE_FORMATS)[number];

export const JOB_STATES = ['scheduled', 'in_progress', 'success', 'failure', 'canceled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const FINISHED_JOB_STATES = ['success', 'failure', 'canceled'] as const satisfies JobState[];

/** Types this service runs itself; services reporting their own jobs may use any other. */
export const BUILTIN_JOB_TYPES = ['export', 'purge', 'retention'] as const;
export type BuiltinJobType = (typeof BUILTIN_JOB_TYPES)[number];

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Why the archive exists: an auditor's export, or the rows a purge removed. */
export const ARCHIVE_KINDS = ['export', 'purge'] as const;
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];

export const USER_ROLES = ['auditor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const TOKEN_SCOPES = ['ingest', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Most events one record call (and one insert statement) takes; the SDK batches by it. */
export const MAX_EVENT_BATCH = 1000;

/** Most procedure calls one HTTP request may batch (the server refuses more; links batch fewer). */
export const MAX_TRPC_BATCH = 10;

/**
 * What an entry of the seal chain is (schema/seals.ts): a checkpoint over newly recorded
 * events, or the receipt of a purge that removed sealed events.
 */
export const SEAL_ENTRY_KINDS = ['checkpoint', 'purge'] as const;
export type SealEntryKind = (typeof SEAL_ENTRY_KINDS)[number];
