import type * as NodeFs from 'node:fs';
import type * as NodeStream from 'node:stream';
import type * as NodeStreamPromises from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

import { AuditHttpError, parseRetryAfter } from './errors';
import type { WebWritableLike } from './platform';

/**
 * A Node.js writable stream (`fs.WriteStream`, `process.stdout`, an HTTP response, …): only
 * what the download needs of it, so that these types do not require @types/node.
 */
export interface NodeWritableLike {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  end(callback?: () => void): unknown;
  once(
    event: 'drain' | 'error' | 'finish' | 'close',
    listener: (...args: never[]) => void,
  ): unknown;
}

/**
 * Where a download goes: a file path (Node.js only; written to `<path>.part`, then renamed),
 * a Node.js writable stream (ended when the download completes), or a web `WritableStream`.
 */
export type DownloadDestination = string | NodeWritableLike | WebWritableLike;

/** Node's built-in modules, loaded only when a download goes to a path or a Node stream. */
async function nodeModule<T>(name: string): Promise<T> {
  // Hidden from browser bundlers: only the path and Node-stream destinations need these.
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as T;
}

function isWebWritable(value: DownloadDestination): value is WebWritableLike {
  return (
    typeof value === 'object' && typeof (value as { getWriter?: unknown }).getWriter === 'function'
  );
}

/** An error answer of the API's plain routes (`{ error: "…" }`) as an AuditHttpError. */
export async function httpError(response: Response, what: string): Promise<AuditHttpError> {
  const text = await response.text().catch(() => '');
  let detail = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') detail = body.error;
    else if (typeof body.message === 'string') detail = body.message;
  } catch {
    // not JSON: keep the text
  }
  return new AuditHttpError(
    response.status,
    `${what}: HTTP ${response.status}${detail ? ` — ${detail}` : ''}`,
    parseRetryAfter(response.headers.get('retry-after')),
  );
}

/**
 * Streams a response body to the destination and returns the bytes written; fails when the
 * body is shorter or longer than its Content-Length (a cut connection).
 */
export async function writeBody(
  response: Response,
  destination: DownloadDestination,
): Promise<number> {
  const { body } = response;
  if (!body) throw new Error('the download has no body');
  let bytes = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const expected = Number(response.headers.get('content-length') ?? Number.NaN);
  const check = () => {
    if (Number.isFinite(expected) && bytes !== expected) {
      throw new Error(`the download was cut short: ${bytes} of ${expected} bytes arrived`);
    }
  };

  if (isWebWritable(destination)) {
    // A real WritableStream: nothing else has getWriter() (WebWritableLike names its part).
    await counted.pipeTo(destination as unknown as WritableStream<Uint8Array>);
    check();
    return bytes;
  }

  const { Readable } = await nodeModule<typeof NodeStream>('node:stream');
  const { pipeline } = await nodeModule<typeof NodeStreamPromises>('node:stream/promises');
  const source = Readable.fromWeb(counted as NodeReadableStream);
  if (typeof destination !== 'string') {
    await pipeline(source, destination as unknown as NodeJS.WritableStream);
    check();
    return bytes;
  }
  const fs = await nodeModule<typeof NodeFs>('node:fs');
  const partial = `${destination}.part`;
  try {
    await pipeline(source, fs.createWriteStream(partial));
    check();
    await fs.promises.rename(partial, destination);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  return bytes;
}
