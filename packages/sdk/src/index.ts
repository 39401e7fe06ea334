/**
 * @audit/sdk — the typed client for Audit Log Manager.
 *
 * ```ts
 * const audit = createAuditClient({ url: 'https://audit.example.com', token: 'alm_…' });
 * const recorder = audit.recorder();
 * recorder.record({ userName: 'alice', taskName: 'tenant.create', status: 'success' });
 * await recorder.close();
 * ```
 */
export {
  createAuditClient,
  type AuditClient,
  type AuditClientOptions,
  type ExportControl,
  type ExportedArchive,
  type ExportResult,
  type HeaderMap,
  type IterateOptions,
  type RecordOutcome,
} from './client';
export type { DownloadDestination, NodeWritableLike } from './download';
export {
  AuditHttpError,
  describeFailure,
  ExportFailedError,
  RecordDeliveryError,
  RecorderClosedError,
  RequestTimeoutError,
  RecorderError,
  RecorderQueueFullError,
  RecordRejectedError,
  type FailureInfo,
  type RejectedEvent,
} from './errors';
export {
  MAX_BATCH,
  type EventToRecord,
  type RecordedRef,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
} from './recorder';
export type { RetryOptions } from './retry';
export type {
  AbortSignalLike,
  FetchInitLike,
  FetchLike,
  FetchResponseLike,
  WebWritableLike,
} from './platform';
export type {
  ApiErrorData,
  ApiErrorShape,
  Archive,
  AuditEvent,
  AuditEventDetail,
  AuditEventInput,
  AuditTrpcClient,
  CallOptions,
  EventFilter,
  EventPage,
  EventSort,
  EventStatus,
  ExportFormat,
  ExportSettings,
  Job,
  JobReport,
  JobReportResult,
  JobState,
  LegalHold,
  MutationProcedure,
  QueryProcedure,
  RecordResult,
  RouterInputs,
  RouterOutputs,
  WhereComparison,
  WhereCondition,
} from './router';
export { TRPCClientError, type TRPCClientErrorConstructor } from './trpc-client-error';
