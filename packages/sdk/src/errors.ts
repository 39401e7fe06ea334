import type { AuditEventInput } from './router';
import { TRPCClientError } from './trpc-client-error';

/** An HTTP answer that is not the API's own JSON: a proxy's or load balancer's error page. */
export class AuditHttpError extends Error {
  override name = 'AuditHttpError';
  constructor(
    readonly status: number,
    message: string,
    /** From a `Retry-After` header, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * No answer within `timeoutMs`. Unlike a caller's cancel, worth trying again: a record call
 * timed out was reported refused, and its events lost to the recorder.
 */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(`no answer within ${timeoutMs} ms`, options);
  }
}

/** `record()` was called while `maxQueue` events were waiting: slow down or raise the limit. */
export class RecorderQueueFullError extends Error {
  override name = 'RecorderQueueFullError';
  constructor(
    readonly maxQueue: number,
    readonly pending: number,
    /** How many events the refused call held. */
    readonly refused: number,
  ) {
    super(
      `audit recorder queue is full: ${pending} events are waiting (maxQueue ${maxQueue}); ` +
        `${refused} more refused — nothing was queued from this call`,
    );
  }
}

/** `record()` after `close()`. */
export class RecorderClosedError extends Error {
  override name = 'RecorderClosedError';
  constructor() {
    super('audit recorder is closed');
  }
}

/** One event the server refused, and why. */
export interface RejectedEvent {
  event: AuditEventInput;
  reason: string;
}

/**
 * The server refused events (invalid input, a tenant the token may not record for, a token
 * without the ingest scope): they are not stored and retrying cannot help. `rejected` holds
 * each event with its reason so that the caller can log, fix or keep them.
 */
export class RecordRejectedError extends Error {
  override name = 'RecordRejectedError';
  constructor(
    message: string,
    readonly rejected: RejectedEvent[],
    /** HTTP status of the refusal. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The server could not be reached, or kept failing, for every attempt the retry policy
 * allowed: `events` were not acknowledged. They may or may not have been stored; recording
 * them again (same eventId and occurredAt) is safe and stores each at most once.
 */
export class RecordDeliveryError extends Error {
  override name = 'RecordDeliveryError';
  constructor(
    message: string,
    readonly events: AuditEventInput[],
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Several of the above, from one `flush()` or `close()`. */
export class RecorderError extends Error {
  override name = 'RecorderError';
  constructor(readonly errors: (RecordRejectedError | RecordDeliveryError)[]) {
    super(
      `${errors.length} audit batches failed: ${errors.map((e) => e.message).join(' | ')}`.slice(
        0,
        4000,
      ),
    );
  }
}

/** The export job ended without an archive (it failed or was canceled). */
export class ExportFailedError extends Error {
  override name = 'ExportFailedError';
  constructor(
    message: string,
    readonly jobId: string,
    readonly state: string,
  ) {
    super(message);
  }
}

/** What a failed call tells about retrying it. */
export interface FailureInfo {
  /** The HTTP status, when an answer came back. */
  status: number | undefined;
  /** The API's error code (`BAD_REQUEST`, `TOO_MANY_REQUESTS`, …), when it sent one. */
  code: string | undefined;
  /** No answer at all: refused, reset or dropped connection, or no answer in time. */
  network: boolean;
  /** A network failure, a 5xx, 408 or 429: the same call may succeed later. */
  retryable: boolean;
  retryAfterMs: number | undefined;
  /** Per-field reasons the API gave for bad input (`events.3.userIp`). */
  fieldErrors: { path: string; message: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Canceled by the caller (a timeout is not: that is a failure worth retrying). */
function isAbort(error: unknown): boolean {
  return isRecord(error) && error.name === 'AbortError';
}

/** Reads a failed call: status, code, and whether trying again may help. */
export function describeFailure(error: unknown): FailureInfo {
  let status: number | undefined;
  let code: string | undefined;
  let retryAfterMs: number | undefined;
  let fieldErrors: FailureInfo['fieldErrors'] = [];
  let cause: unknown = error;

  if (error instanceof TRPCClientError) {
    cause = error.cause;
    const data: unknown = error.data;
    if (isRecord(data)) {
      if (typeof data.httpStatus === 'number') status = data.httpStatus;
      if (typeof data.code === 'string') code = data.code;
      if (Array.isArray(data.fieldErrors)) {
        fieldErrors = data.fieldErrors.filter(
          (f): f is { path: string; message: string } =>
            isRecord(f) && typeof f.path === 'string' && typeof f.message === 'string',
        );
      }
    }
    const meta: unknown = error.meta;
    const response = isRecord(meta) ? meta.response : undefined;
    if (isRecord(response) && typeof response.status === 'number') {
      status ??= response.status;
      const headers = response.headers;
      if (headers instanceof Headers) retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    }
  }
  if (cause instanceof AuditHttpError) {
    status ??= cause.status;
    retryAfterMs ??= cause.retryAfterMs;
  }
  const network = status === undefined && !isAbort(cause) && !isAbort(error);
  const retryable =
    network || (status !== undefined && (status >= 500 || status === 408 || status === 429));
  return { status, code, network, retryable, retryAfterMs, fieldErrors };
}
