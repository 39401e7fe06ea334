/* eslint-disable -- type-checked only against the packed tarball, by src/package.test.ts */
// A browser project (the DOM library, a bundler's module resolution): the real fetch,
// AbortSignal and WritableStream fit what the SDK's options name.
import { createAuditClient, type DownloadDestination } from '@audit/sdk';

const controller = new AbortController();
const audit = createAuditClient({ url: location.origin, token: 'alm_x', fetch });
const wrapped = createAuditClient({
  url: location.origin,
  token: 'alm_x',
  fetch: (url, init) => fetch(url, { ...init, credentials: 'omit' }),
});

export async function browse(): Promise<number> {
  const page = await audit.trpc.auditLogs.list.query({ limit: 5 }, { signal: controller.signal });
  for await (const event of wrapped.iterate({ status: 'failure' }, { signal: controller.signal })) {
    void event.occurredAt;
  }
  const destination: DownloadDestination = new WritableStream<Uint8Array>();
  await audit.download('1', destination);
  // @ts-expect-error a stream of strings is not where a .zip can go
  await audit.download('1', new WritableStream<string>());
  return page.items.length;
}
