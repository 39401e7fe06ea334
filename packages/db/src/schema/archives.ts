import { relations } from 'drizzle-orm';
import { bigint, jsonb, pgEnum, pgSequence, pgTable, text } from 'drizzle-orm/pg-core';

import { bigintId, serialId, timestampMs } from './columns';
import { jobs } from './jobs';
import { EXPORT_FORMATS, ARCHIVE_KINDS } from '../values';

export { EXPORT_FORMATS, ARCHIVE_KINDS, type ExportFormat, type ArchiveKind } from '../values';

export const exportFormat = pgEnum('export_format', EXPORT_FORMATS);

export const archiveKind = pgEnum('archive_kind', ARCHIVE_KINDS);

export const archivesIdSequence = pgSequence('archives_id_seq');

/** A `.zip` on disk under ARCHIVE_DIR: one data file plus manifest.json. */
export const archives = pgTable('archives', {
  id: serialId('archives_id_seq').primaryKey(),
  // null: the archive spans every tenant.
  tenant: text('tenant'),
  jobId: bigintId('job_id').references(() => jobs.id, { onDelete: 'set null' }),
  kind: archiveKind('kind').notNull(),
  format: exportFormat('format').notNull(),
  fileName: text('file_name').notNull(),
  /** Relative to ARCHIVE_DIR. */
  path: text('path').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  rowCount: bigint('row_count', { mode: 'number' }).notNull(),
  /** SHA-256 (hex) of the data file inside the zip. */
  sha256: text('sha256').notNull(),
  filters: jsonb('filters').$type<Record<string, unknown>>().notNull().default({}),
  timeZone: text('time_zone').notNull().default('UTC'),
  createdBy: text('created_by').notNull(),
  createdAt: timestampMs('created_at').notNull().defaultNow(),
});

export const archivesRelations = relations(archives, ({ one }) => ({
  job: one(jobs, { fields: [archives.jobId], references: [jobs.id] }),
}));

export type Archive = typeof archives.$inferSelect;
export type NewArchive = typeof archives.$inferInsert;
