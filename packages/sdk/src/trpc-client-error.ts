import { TRPCClientError as TRPCClientErrorClass } from '@trpc/client';

import type { ApiErrorData, ApiErrorShape } from './router';

/**
 * A failed call through `audit.trpc` (and the helpers): the API's error answer, or no answer
 * at all. tRPC's own class, built into the SDK; typed here with this API's error data.
 */
export interface TRPCClientError extends Error {
  /** The API's error, when it answered with one; `null`/`undefined` when no answer came. */
  readonly shape: ApiErrorShape | null | undefined;
  /** `shape.data`: `code` (`BAD_REQUEST`, `UNAUTHORIZED`, …), `httpStatus`, `fieldErrors`. */
  readonly data: ApiErrorData | null | undefined;
  /** What failed underneath (a network error, an AuditHttpError for a proxy's error page). */
  readonly cause: Error | undefined;
  /** For an HTTP answer: its `response` (the fetch Response) and `responseJSON`. */
  meta: Record<string, unknown> | undefined;
}

export interface TRPCClientErrorConstructor {
  new (
    message: string,
    options?: {
      result?: { error: ApiErrorShape } | null;
      cause?: Error;
      meta?: Record<string, unknown>;
    },
  ): TRPCClientError;
  readonly prototype: TRPCClientError;
  /** Wraps anything thrown into a TRPCClientError (returned as it is when it is one). */
  from(
    cause: Error | object,
    options?: { meta?: Record<string, unknown>; cause?: Error },
  ): TRPCClientError;
}

/** `error instanceof TRPCClientError` tells an API call's failure. */
export const TRPCClientError: TRPCClientErrorConstructor = TRPCClientErrorClass;
