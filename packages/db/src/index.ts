export * from './schema';
export {
  createDb,
  type AuditDb,
  type CreateDbOptions,
  type Database,
  type Driver,
  type RawClient,
  type Transaction,
} from './client';
export {
  compactEventCounts,
  countedColumns,
  countEventsOfTableSql,
  deltaEvents,
  finestCountsOf,
  finestGrain,
  forgetCountsBetween,
  insertCountDeltas,
} from './event-counts';
export {
  forgetEventKeys,
  forgetEventKeysOfPartition,
  ingestLockSql,
  INGEST_LOCK,
  insertEvents,
  STORE_OUTCOMES,
  type EventInput,
  type EventToStore,
  type StoredEvent,
  type StoreOutcome,
} from './events';
export { MAX_EVENT_BATCH } from './values';
export { migrationsFolder, pendingMigrations, runMigrations } from './migrate';
export {
  ensureEventPartitions,
  ensurePartitionsFor,
  listEventPartitions,
  monthStart,
  parsePgTimestamp,
  partitionName,
  type EventPartition,
} from './partitions';
export {
  applySeqs,
  compactProducerSeqs,
  MAX_GAP_RANGES,
  type GapRange,
  type ProducerState,
} from './producer-seqs';
export { queryRows } from './sql';
