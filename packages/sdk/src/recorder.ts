import { MAX_EVENT_BATCH } from '@audit/db/values';

import {
  RecordDeliveryError,
  RecorderClosedError,
  RecorderError,
  RecorderQueueFullError,
  RecordRejectedError,
  describeFailure,
  type RejectedEvent,
} from './errors';
import { newEventId } from './ids';
import { backoffDelay, sleep, type RetryOptions, type RetryPolicy } from './retry';
import type { AuditEventInput, RecordResult } from './router';

/** Largest batch `auditLogs.record` accepts: the server's own limit, built into the bundle. */
export const MAX_BATCH: number = MAX_EVENT_BATCH;

/** An event to record: as the API takes it, and `occurredAt` may also be a `Date`. */
export type EventToRecord = Omit<AuditEventInput, 'occurredAt'> & {
  /** When it happened (default: when `record()` was called). ISO 8601 with offset, epoch ms, or a Date. */
  occurredAt?: AuditEventInput['occurredAt'] | Date;
};

/** An event whose identity is fixed: retries send exactly this, so it is stored once. */
export type PreparedEvent = AuditEventInput & { eventId: string; occurredAt: string | number };

/** What `record()` fixed for an event: the server stores it once under these. */
export interface RecordedRef {
  eventId: string;
  occurredAt: string | number;
}

/** Gives an event its eventId and occurredAt now, so every retry sends the same ones. */
export function prepareEvent(event: EventToRecord, now: Date): PreparedEvent {
  const { occurredAt } = event;
  return {
    ...event,
    eventId: event.eventId ?? newEventId(),
    occurredAt:
      occurredAt instanceof Date ? occurredAt.toISOString() : (occurredAt ?? now.toISOString()),
  };
}

export type SendBatch = (events: PreparedEvent[]) => Promise<RecordResult>;

export interface DeliveryOutcome {
  stored: number;
  duplicates: number;
  conflicts: number;
  retries: number;
  failures: (RecordRejectedError | RecordDeliveryError)[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Which events of a refused batch the API named (`events.3.userIp: …`), with its reasons. */
function reasonsByEvent(
  failure: ReturnType<typeof describeFailure>,
  message: string,
  size: number,
): Map<number, string[]> {
  const reasons = new Map<number, string[]>();
  const add = (index: number, reason: string) => {
    if (index >= size) return;
    const list = reasons.get(index) ?? [];
    list.push(reason);
    reasons.set(index, list);
  };
  for (const { path, message: why } of failure.fieldErrors) {
    const match = /^events\.(\d+)(?:\.(.*))?$/.exec(path);
    if (match) add(Number(match[1]), match[2] ? `${match[2]}: ${why}` : why);
  }
  if (reasons.size === 0) {
    for (const part of message.split('; ')) {
      const match = /^events\.(\d+)\.(.*)$/.exec(part);
      if (match) add(Number(match[1]), match[2] ?? part);
    }
  }
  return reasons;
}

/**
 * Sends events in one call, as far as the API allows: retries what may succeed later
 * (network failures, 5xx, 408, 429) with backoff, splits a batch the server finds too large,
 * and when the API names the events it refuses, sends the others again without them.
 * Never throws: what could not be stored comes back in `failures`, each with its events.
 */
export async function deliver(
  send: SendBatch,
  events: PreparedEvent[],
  policy: RetryPolicy,
): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = {
    stored: 0,
    duplicates: 0,
    conflicts: 0,
    retries: 0,
    failures: [],
  };
  const work: PreparedEvent[][] = [events];
  for (let next = work.shift(); next; next = work.shift()) {
    let batch: PreparedEvent[] = next;
    let attempt = 1;
    while (batch.length > 0) {
      let error: unknown;
      try {
        const result = await send(batch);
        outcome.stored += result.stored;
        outcome.duplicates += result.duplicates;
        outcome.conflicts += result.conflicts;
        break;
      } catch (caught) {
        error = caught;
      }
      const failure = describeFailure(error);
      const message = messageOf(error);
      if (failure.retryable) {
        if (attempt >= policy.maxAttempts) {
          outcome.failures.push(
            new RecordDeliveryError(
              `${batch.length} audit events not acknowledged after ${attempt} attempts: ${message}`,
              batch,
              attempt,
              { cause: error },
            ),
          );
          break;
        }
        outcome.retries++;
        await sleep(backoffDelay(policy, attempt, failure.retryAfterMs));
        attempt++;
        continue;
      }
      if (failure.status === 413 && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        work.unshift(batch.slice(0, half), batch.slice(half));
        break;
      }
      const current: PreparedEvent[] = batch;
      const reasons = reasonsByEvent(failure, message, current.length);
      const refusal = failure.code ?? (failure.status ? `HTTP ${failure.status}` : 'refused');
      if (reasons.size > 0 && reasons.size < current.length) {
        const rejected: RejectedEvent[] = [];
        for (const [index, why] of reasons) {
          const event = current[index];
          if (event) rejected.push({ event, reason: why.join('; ') });
        }
        outcome.failures.push(
          new RecordRejectedError(
            `${rejected.length} of ${current.length} audit events refused (${refusal}): ${message}`,
            rejected,
            failure.status,
            { cause: error },
          ),
        );
        batch = current.filter((_, index) => !reasons.has(index));
        continue;
      }
      outcome.failures.push(
        new RecordRejectedError(
          `${current.length} audit events refused (${refusal}): ${message}`,
          current.map((event, index) => ({
            event,
            reason: reasons.get(index)?.join('; ') ?? message,
          })),
          failure.status,
          { cause: error },
        ),
      );
      break;
    }
  }
  return outcome;
}

/** Calls one recorder keeps in flight at most: enough to overlap parsing and storing. */
const MAX_CONCURRENCY = 8;

/** Options of `client.recorder()`. */
export interface RecorderOptions {
  /** Events per call, 1–1000 (default 500). A full batch is sent at once. */
  maxBatch?: number;
  /** A partial batch waits at most this long, in ms (default 1000). */
  flushIntervalMs?: number;
  /** Events waiting or in flight at most (default 10 000); past it `record()` throws. */
  maxQueue?: number;
  /**
   * Calls in flight at once, 1–8 (default 2): the server parses one batch while the database
   * stores another. Batches may then be stored out of order, which an audit log sorts by
   * occurredAt anyway.
   */
  concurrency?: number;
  /** Backoff for network failures, 5xx and 429. */
  retry?: RetryOptions;
  /** Stamped on each event, numbered (`producerSeq`) for `integrity.gaps`. Default: a UUID. */
  producerId?: string;
  /** The first number (default 1); reusing a `producerId`, the last `producer.lastSeq` + 1. */
  startSeq?: number;
  /**
   * Called as soon as events are known to be lost to this recorder: refused by the API, or
   * not acknowledged after every retry. The error holds the events. `flush()` and `close()`
   * also reject with these errors, so none goes unreported.
   */
  onError?: (error: RecordRejectedError | RecordDeliveryError) => void;
}

/** Counts since the recorder was made. */
export interface RecorderStats {
  /** Newly stored. */
  stored: number;
  /** Acknowledged as stored already (a retry of a batch whose answer was lost). */
  duplicates: number;
  /**
   * Not stored: their eventId was stored before with other content (another occurredAt or
   * another field). The event stored first is kept. Only events given an eventId by the
   * caller can be conflicts: one that reuses them.
   */
  conflicts: number;
  /** Refused by the API (invalid, or not allowed): see the errors. */
  rejected: number;
  /** Not acknowledged after every retry: see the errors. */
  undelivered: number;
  /** Calls that were tried again. */
  retries: number;
  /** Successful calls. */
  batches: number;
}

/** Buffers events and records them in batches, safely retried. */
export interface Recorder {
  /**
   * Queues one event, fixing its eventId and occurredAt now. Throws RecorderQueueFullError
   * when maxQueue events are waiting, RecorderClosedError after close().
   */
  record(event: EventToRecord): RecordedRef;
  /** Queues several events: all of them, or (queue full) none. */
  recordMany(events: readonly EventToRecord[]): RecordedRef[];
  /**
   * Sends everything queued so far and resolves once the server has acknowledged it; rejects
   * with the failures (RecordRejectedError, RecordDeliveryError, or RecorderError for several)
   * seen since the last flush.
   */
  flush(): Promise<RecorderStats>;
  /** Stops taking events, then flushes. */
  close(): Promise<RecorderStats>;
  /** Events queued or in flight. */
  readonly pending: number;
  readonly stats: Readonly<RecorderStats>;
  /** The `producerId`, and the last `producerSeq` given. */
  readonly producer: { readonly id: string; readonly lastSeq: number };
}

class BufferedRecorder implements Recorder {
  private readonly queue: PreparedEvent[] = [];
  private inFlight = 0;
  /** Events ever queued, taken for sending, and settled (acknowledged or failed). */
  private enqueued = 0;
  private taken = 0;
  private settled = 0;
  /** Partial batches are sent until `taken` reaches this (set by flush and the timer). */
  private drainUntil = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The sending loops running, at most `concurrency`. */
  private readonly sending = new Set<Promise<void>>();
  private closed = false;
  private failures: (RecordRejectedError | RecordDeliveryError)[] = [];
  private readonly counts: RecorderStats = {
    stored: 0,
    duplicates: 0,
    conflicts: 0,
    rejected: 0,
    undelivered: 0,
    retries: 0,
    batches: 0,
  };

  constructor(
    private readonly send: SendBatch,
    private readonly policy: RetryPolicy,
    private readonly maxBatch: number,
    private readonly flushIntervalMs: number,
    private readonly maxQueue: number,
    private readonly concurrency: number,
    private readonly onError: RecorderOptions['onError'],
    producerId: string,
    lastSeq: number,
  ) {
    this.#producerId = producerId;
    this.#lastSeq = lastSeq;
  }

  // #private: the minified builds shorten these names (the package's size budget).
  readonly #producerId: string;
  #lastSeq: number;

  get producer() {
    return { id: this.#producerId, lastSeq: this.#lastSeq };
  }

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  get stats(): Readonly<RecorderStats> {
    return { ...this.counts };
  }

  record(event: EventToRecord): RecordedRef {
    const [ref] = this.recordMany([event]);
    if (!ref) throw new Error('unreachable: one event queued, no reference returned');
    return ref;
  }

  recordMany(events: readonly EventToRecord[]): RecordedRef[] {
    if (this.closed) throw new RecorderClosedError();
    if (this.pending + events.length > this.maxQueue) {
      throw new RecorderQueueFullError(this.maxQueue, this.pending, events.length);
    }
    const now = new Date();
    // Numbered once queued (a refused call takes no number), in order, for good: a retry
    // sends the prepared event again, number included. An event that names its own
    // producer keeps it.
    const prepared = events.map((event) =>
      prepareEvent(
        event.producerId === undefined && event.producerSeq === undefined
          ? { ...event, producerId: this.#producerId, producerSeq: ++this.#lastSeq }
          : event,
        now,
      ),
    );
    for (const event of prepared) this.queue.push(event);
    this.enqueued += prepared.length;
    this.schedule();
    return prepared.map(({ eventId, occurredAt }) => ({ eventId, occurredAt }));
  }

  async flush(): Promise<RecorderStats> {
    const target = this.enqueued;
    this.drainUntil = Math.max(this.drainUntil, target);
    while (this.settled < target) await this.pump();
    const failures = this.failures;
    this.failures = [];
    if (failures.length === 1 && failures[0]) throw failures[0];
    if (failures.length > 1) throw new RecorderError(failures);
    return this.stats;
  }

  close(): Promise<RecorderStats> {
    this.closed = true;
    return this.flush();
  }

  /** Whether a batch should go now: a full one, or any while draining. */
  private get due(): boolean {
    return (
      this.queue.length >= this.maxBatch || (this.queue.length > 0 && this.taken < this.drainUntil)
    );
  }

  private schedule(): void {
    if (this.due) {
      if (this.sending.size < this.concurrency) void this.pump();
    } else if (this.queue.length > 0 && !this.timer && this.sending.size === 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drainUntil = Math.max(this.drainUntil, this.enqueued);
        void this.pump();
      }, this.flushIntervalMs);
    }
  }

  /** Starts sending loops up to `concurrency`; resolves when the running ones end. */
  private pump(): Promise<void> {
    while (this.sending.size < this.concurrency && this.due) {
      // run() takes its first batch before its first await: the next loop sees the rest.
      const loop: Promise<void> = this.run().finally(() => {
        this.sending.delete(loop);
        this.schedule();
      });
      this.sending.add(loop);
    }
    return Promise.all(this.sending).then(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.due) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      const batch = this.queue.splice(0, this.maxBatch);
      this.taken += batch.length;
      this.inFlight += batch.length;
      let outcome: DeliveryOutcome;
      try {
        outcome = await deliver(this.send, batch, this.policy);
      } catch (error) {
        outcome = {
          stored: 0,
          duplicates: 0,
          conflicts: 0,
          retries: 0,
          failures: [
            new RecordDeliveryError(`audit events not sent: ${messageOf(error)}`, batch, 1, {
              cause: error,
            }),
          ],
        };
      } finally {
        this.inFlight -= batch.length;
        this.settled += batch.length;
      }
      this.counts.stored += outcome.stored;
      this.counts.duplicates += outcome.duplicates;
      this.counts.conflicts += outcome.conflicts;
      this.counts.retries += outcome.retries;
      if (outcome.failures.length === 0) this.counts.batches++;
      for (const failure of outcome.failures) {
        if (failure instanceof RecordRejectedError) this.counts.rejected += failure.rejected.length;
        else this.counts.undelivered += failure.events.length;
        this.failures.push(failure);
        try {
          this.onError?.(failure);
        } catch {
          // the callback's own failure must not stop delivery; flush() still reports this one
        }
      }
    }
  }
}

export function createRecorder(
  send: SendBatch,
  policy: RetryPolicy,
  options: RecorderOptions = {},
): Recorder {
  const maxBatch = options.maxBatch ?? 500;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const maxQueue = options.maxQueue ?? 10_000;
  const concurrency = options.concurrency ?? 2;
  const producerId = options.producerId ?? newEventId();
  const startSeq = options.startSeq ?? 1;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) {
    throw new RangeError(`maxBatch must be a whole number from 1 to ${MAX_BATCH}, not ${maxBatch}`);
  }
  if (!(flushIntervalMs >= 0)) {
    throw new RangeError(`flushIntervalMs must be ≥ 0, not ${flushIntervalMs}`);
  }
  if (!Number.isInteger(maxQueue) || maxQueue < maxBatch) {
    throw new RangeError(
      `maxQueue must be a whole number ≥ maxBatch (${maxBatch}), not ${maxQueue}`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new RangeError(
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${concurrency}`,
    );
  }
  if (!Number.isSafeInteger(startSeq) || startSeq < 1) {
    throw new RangeError(`startSeq must be a whole number ≥ 1, not ${startSeq}`);
  }
  return new BufferedRecorder(
    send,
    policy,
    maxBatch,
    flushIntervalMs,
    maxQueue,
    concurrency,
    options.onError,
    producerId,
    startSeq - 1,
  );
}
