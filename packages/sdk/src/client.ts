import type { AppRouter } from '@audit/api';
import { createTRPCClient, httpLink } from '@trpc/client';

import { httpError, writeBody, type DownloadDestination } from './download';
import {
  ExportFailedError,
  RecorderError,
  RequestTimeoutError,
  type RecordDeliveryError,
  type RecordRejectedError,
} from './errors';
import type { AbortSignalLike, FetchLike } from './platform';
import {
  createRecorder,
  deliver,
  MAX_BATCH,
  prepareEvent,
  type EventToRecord,
  type PreparedEvent,
  type Recorder,
  type RecorderOptions,
} from './recorder';
import { retryPolicy, sleep, withRetry, type RetryOptions } from './retry';
import type {
  AuditEvent,
  AuditEventDetail,
  AuditTrpcClient,
  EventFilter,
  EventPage,
  EventSort,
  ExportSettings,
  Job,
  JobReport,
  JobReportResult,
  RouterInputs,
} from './router';

/** Header names and values. */
export type HeaderMap = Record<string, string>;

/** Options of `createAuditClient`. */
export interface AuditClientOptions {
  /** The server's base URL, e.g. `https://audit.example.com` (the API is at `<url>/trpc`). */
  url: string;
  /** An API token (`alm_…`): scope `ingest` to record and report jobs, `read` to query and export. */
  token: string;
  /** A fetch to use instead of the global one (a proxy agent, a test double). */
  fetch?: FetchLike;
  /** More headers on every request: fixed, or computed per request. */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>);
  /** Longest wait for one API answer, in ms (default 60 000); archive downloads have none. */
  timeoutMs?: number;
  /** Backoff for the calls that are safe to repeat (default: 10 attempts, 200 ms doubling to 30 s). */
  retry?: RetryOptions;
}

/** Options of `iterate()`. */
export interface IterateOptions {
  /** Default: newest first (`{ field: 'occurredAt', direction: 'desc' }`). */
  sort?: EventSort;
  /** Events per request, 1–2000 (default 1000). */
  pageSize?: number;
  signal?: AbortSignalLike;
}

/** Options of `exportTo()` besides the format and time zone. */
export interface ExportControl {
  /** Called with the job each time it is polled (state, percent, summary). */
  onProgress?: (job: Job) => void;
  /** Between two polls of the job, in ms (default 1000). */
  pollIntervalMs?: number;
  signal?: AbortSignalLike;
}

/** The archive an export wrote. */
export interface ExportedArchive {
  id: string;
  fileName: string;
  /** Size of the .zip in bytes. */
  sizeBytes: number;
  /** Events in the data file. */
  rowCount: number;
  /** SHA-256 (hex) of the data file inside the .zip, as its manifest.json also states. */
  sha256: string;
}

export interface ExportResult {
  job: Job;
  archive: ExportedArchive;
  /** Bytes written to the destination. */
  bytes: number;
}

/** What `client.record()` answers. */
export interface RecordOutcome {
  stored: number;
  duplicates: number;
  /** Not stored: their eventId was stored before with other content (see RecorderStats). */
  conflicts: number;
  /** The eventId and occurredAt each event was sent with, in order. */
  events: { eventId: string; occurredAt: string | number }[];
}

/** The client: the typed tRPC client plus helpers for services. */
export interface AuditClient {
  /**
   * Every procedure, typed by the server's router:
   * `client.trpc.auditLogs.list.query({ filter: { status: 'failure' } })`.
   */
  readonly trpc: AuditTrpcClient;
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
  /** A buffer that records events in batches, retried safely; `close()` it before exiting. */
  readonly recorder: (options?: RecorderOptions) => Recorder;
  /**
   * Records events now (any number: sent in calls of up to 1000), retrying network failures,
   * 5xx and 429. Each event gets its eventId and occurredAt first, so a retry never stores
   * one twice. Rejects with RecordRejectedError / RecordDeliveryError (RecorderError for several).
   */
  readonly record: (events: EventToRecord | readonly EventToRecord[]) => Promise<RecordOutcome>;
  /** One page of events (`auditLogs.list`). */
  readonly list: (input?: RouterInputs['auditLogs']['list']) => Promise<EventPage>;
  /** One event with its job. */
  readonly byId: (id: string, occurredAt?: string | number) => Promise<AuditEventDetail>;
  /** Every event matching the filter, page after page by cursor (no total is counted). */
  readonly iterate: (
    filter?: EventFilter,
    options?: IterateOptions,
  ) => AsyncGenerator<AuditEvent, void>;
  /**
   * Exports the matching events: starts the export job, follows it (progress through
   * `onProgress`), and downloads the .zip to a file path (Node.js), a Node.js stream or a
   * web WritableStream.
   */
  readonly exportTo: (
    filter: EventFilter | undefined,
    settings: ExportSettings,
    destination: DownloadDestination,
    control?: ExportControl,
  ) => Promise<ExportResult>;
  /** Downloads an archive (`exports.list` lists them) to a path or stream; returns the bytes written. */
  readonly download: (archiveId: string, destination: DownloadDestination) => Promise<number>;
  readonly jobs: {
    /**
     * Creates or updates one of the service's own jobs, named by its `key`; events that name
     * the job (`jobId`) link to it. Safe to repeat, so it is retried.
     */
    readonly report: (input: JobReport) => Promise<JobReportResult>;
    readonly byId: (id: string) => Promise<Job>;
    /** Polls the job until it ends (success, failure or canceled); returns it as it ended. */
    readonly wait: (
      id: string,
      options?: Pick<ExportControl, 'onProgress' | 'pollIntervalMs' | 'signal'>,
    ) => Promise<Job>;
  };
}

const ENDED_STATES = new Set<Job['state']>(['success', 'failure', 'canceled']);

function baseUrlOf(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new TypeError(
      `createAuditClient: url must be an absolute http(s) URL such as https://audit.example.com, not ${JSON.stringify(url)}`,
    );
  }
  return parsed.href.replace(/\/+$/, '');
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /\bjson\b/i.test(contentType);
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** A client for one server and one API token. */
export function createAuditClient(options: AuditClientOptions): AuditClient {
  const url = baseUrlOf(options.url);
  if (!options.token) throw new TypeError('createAuditClient: token is required');
  // A fetch given in options is a real one (FetchLike names the part the SDK relies on).
  const baseFetch = options.fetch
    ? (options.fetch as unknown as typeof globalThis.fetch)
    : globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const policy = retryPolicy(options.retry);

  async function headers(): Promise<HeaderMap> {
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
    return { ...extra, authorization: `Bearer ${options.token}` };
  }

  // An error page from something in front of the API (a 502 from a proxy) is not tRPC's JSON:
  // turn it into an error that keeps the status, so that retries can tell what happened.
  const apiFetch: typeof globalThis.fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (!response.ok && !isJson(response.headers.get('content-type'))) {
      throw await httpError(response, 'audit API');
    }
    return response;
  };

  const trpc: AuditTrpcClient = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, fetch: apiFetch, headers })],
  });

  /** One call, given at most timeoutMs (and canceled with `signal`); a timeout is retried. */
  async function timed<T>(
    call: (options: { signal: AbortSignal }) => Promise<T>,
    signal?: AbortSignalLike,
  ): Promise<T> {
    const timer = AbortSignal.timeout(timeoutMs);
    try {
      return await call({
        signal: signal ? AbortSignal.any([signal as AbortSignal, timer]) : timer,
      });
    } catch (error) {
      if (timer.aborted && !signal?.aborted) {
        throw new RequestTimeoutError(timeoutMs, { cause: error });
      }
      throw error;
    }
  }
  const retried = <T>(call: () => Promise<T>, signal?: AbortSignalLike) =>
    withRetry(policy, call, signal);
  const send = (events: PreparedEvent[]) =>
    timed((o) => trpc.auditLogs.record.mutate({ events }, o));

  const jobs: AuditClient['jobs'] = {
    report: (input) => retried(() => timed((o) => trpc.jobs.report.mutate(input, o))),
    byId: (id) => retried(() => timed((o) => trpc.jobs.byId.query({ id }, o))),
    async wait(id, control = {}) {
      for (;;) {
        const job = await retried(
          () => timed((o) => trpc.jobs.byId.query({ id }, o), control.signal),
          control.signal,
        );
        control.onProgress?.(job);
        if (ENDED_STATES.has(job.state)) return job;
        await sleep(control.pollIntervalMs ?? 1000, control.signal);
      }
    },
  };

  async function download(archiveId: string, destination: DownloadDestination): Promise<number> {
    const target = `${url}/archives/${encodeURIComponent(archiveId)}/download`;
    const response = await retried(async () => {
      const answer = await baseFetch(target, { headers: await headers() });
      if (!answer.ok) throw await httpError(answer, `download of archive ${archiveId}`);
      return answer;
    });
    return writeBody(response, destination);
  }

  return {
    trpc,
    url,
    jobs,
    download,

    recorder: (recorderOptions) =>
      createRecorder(send, retryPolicy(recorderOptions?.retry ?? options.retry), recorderOptions),

    async record(input) {
      const list: readonly EventToRecord[] = Array.isArray(input)
        ? (input as readonly EventToRecord[])
        : [input as EventToRecord];
      const now = new Date();
      const prepared = list.map((event) => prepareEvent(event, now));
      const totals = { stored: 0, duplicates: 0, conflicts: 0 };
      const failures: (RecordRejectedError | RecordDeliveryError)[] = [];
      for (let start = 0; start < prepared.length; start += MAX_BATCH) {
        const outcome = await deliver(send, prepared.slice(start, start + MAX_BATCH), policy);
        totals.stored += outcome.stored;
        totals.duplicates += outcome.duplicates;
        totals.conflicts += outcome.conflicts;
        failures.push(...outcome.failures);
      }
      if (failures.length === 1 && failures[0]) throw failures[0];
      if (failures.length > 1) throw new RecorderError(failures);
      return {
        ...totals,
        events: prepared.map(({ eventId, occurredAt }) => ({ eventId, occurredAt })),
      };
    },

    list: (input = {}) => retried(() => timed((o) => trpc.auditLogs.list.query(input, o))),

    byId: (id, occurredAt) =>
      retried(() =>
        timed((o) =>
          trpc.auditLogs.byId.query(occurredAt === undefined ? { id } : { id, occurredAt }, o),
        ),
      ),

    async *iterate(filter, iterateOptions = {}) {
      const { sort, signal } = iterateOptions;
      const limit = iterateOptions.pageSize ?? 1000;
      let cursor: string | undefined;
      do {
        const page = await retried(
          () =>
            timed(
              (o) =>
                trpc.auditLogs.list.query({ filter, sort, limit, cursor, withTotal: false }, o),
              signal,
            ),
          signal,
        );
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },

    async exportTo(filter, settings, destination, control = {}) {
      // Not retried: a second call would start a second export.
      const created = await timed((o) => trpc.exports.create.mutate({ ...settings, filter }, o));
      control.onProgress?.(created);
      const job = ENDED_STATES.has(created.state) ? created : await jobs.wait(created.id, control);
      if (job.state !== 'success') {
        throw new ExportFailedError(
          `export job ${job.id} ended ${job.state}${job.error ? `: ${job.error}` : ''}`,
          job.id,
          job.state,
        );
      }
      const result = job.result ?? {};
      let archiveId = str(result.archiveId);
      if (!archiveId) {
        const archives = await retried(() =>
          timed((o) => trpc.exports.list.query({ kind: 'export', limit: 500 }, o)),
        );
        archiveId = archives.items.find((a) => a.jobId === job.id)?.id ?? '';
      }
      if (!archiveId) {
        throw new ExportFailedError(`export job ${job.id} names no archive`, job.id, job.state);
      }
      const bytes = await download(archiveId, destination);
      return {
        job,
        bytes,
        archive: {
          id: archiveId,
          fileName: str(result.fileName, `audit-export-${job.id}.zip`),
          sizeBytes: Number.isFinite(num(result.sizeBytes)) ? num(result.sizeBytes) : bytes,
          rowCount: num(result.rowCount),
          sha256: str(result.sha256),
        },
      };
    },
  };
}
