import { describeFailure } from './errors';
import type { AbortSignalLike } from './platform';

/** How failed calls are tried again: exponential backoff with jitter. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 10). 1 means no retry. */
  maxAttempts?: number;
  /** Delay before the first retry, in ms (default 200); it doubles each time. */
  minDelayMs?: number;
  /** Longest delay between attempts, in ms (default 30 000). */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? 10,
    minDelayMs: options.minDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 30_000,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a whole number ≥ 1, not ${policy.maxAttempts}`);
  }
  if (!(policy.minDelayMs >= 0) || !(policy.maxDelayMs >= policy.minDelayMs)) {
    throw new RangeError('retry delays must satisfy 0 ≤ minDelayMs ≤ maxDelayMs');
  }
  return policy;
}

/**
 * The wait before retry number `retry` (1 for the first): the exponential step, of which a
 * random half is kept ("equal jitter", so that many clients do not retry in step), or the
 * server's Retry-After when that is longer; never more than maxDelayMs.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, retryAfterMs?: number): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(retry - 1, 30));
  const jittered = step / 2 + Math.random() * (step / 2);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Why the signal aborted: an AbortError, or whatever its owner gave `abort()`, as it is. */
function abortReason(signal: AbortSignalLike | undefined): Error {
  return signal?.reason as Error;
}

export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs an idempotent call, retrying network failures, 5xx, 408 and 429. */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: () => Promise<T>,
  signal?: AbortSignalLike,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure.retryable || attempt >= policy.maxAttempts || signal?.aborted) throw error;
      await sleep(backoffDelay(policy, attempt, failure.retryAfterMs), signal);
    }
  }
}
