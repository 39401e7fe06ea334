// The few web-platform types the public API names (fetch, AbortSignal, WritableStream),
// declared here by what the SDK uses of them. The published declarations then compile
// without the DOM library or @types/node, and the real ones (from either) fit: the
// type-level tests check that `fetch`, `AbortSignal` and `WritableStream` are accepted.

/** An `AbortSignal` (a DOM or Node.js one): what the SDK reads of it to cancel a call. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * What the SDK passes to `fetch`: the method, headers and body. At run time a `signal` comes
 * too (the call's timeout and cancellation): pass `init` on whole, as a wrapper does.
 */
export interface FetchInitLike {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The part of a fetch `Response` the SDK reads; the body is a web `ReadableStream`. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): unknown } | null;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** A `fetch` (the global one, undici's, a wrapper or a test double). */
export type FetchLike = (url: string, init?: FetchInitLike) => Promise<FetchResponseLike>;

/** A web `WritableStream<Uint8Array>`: what a download writes to. */
export interface WebWritableLike {
  readonly locked: boolean;
  getWriter(): {
    write(chunk: Uint8Array): Promise<void>;
    close(): Promise<void>;
    releaseLock(): void;
  };
}
