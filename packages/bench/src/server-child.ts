/**
 * The API server in its own process, as `pnpm start` runs it (its heap limit included, minus
 * the retention schedule, which would purge the benchmark's old months): the export scenario
 * measures its memory. Started by the benchmark with DATABASE_URL and ARCHIVE_DIR (and
 * WEB_DIR, the SPA to serve); answers `{ url, heapLimitMb }` over IPC.
 */
import { getHeapStatistics } from 'node:v8';

import { buildServer, generateSigningKey, signingKeyFrom, startBackgroundWork } from '@audit/api';
import { createDb } from '@audit/db';

const databaseUrl = process.env.DATABASE_URL;
const archiveDir = process.env.ARCHIVE_DIR;
if (!databaseUrl || !archiveDir) {
  console.error('server-child: DATABASE_URL and ARCHIVE_DIR are required');
  process.exit(2);
}

const store = await createDb({ databaseUrl });
// The benchmark's key, which sealed the loaded store (target.ts); else one of its own.
const signingKey = process.env.BENCH_SIGNING_KEY
  ? signingKeyFrom(process.env.BENCH_SIGNING_KEY)
  : generateSigningKey();
const app = await buildServer({
  signingKey,
  // The benchmark is one caller asking as fast as it can: no rate limit.
  config: { LOG_LEVEL: 'error', RATE_LIMIT: 0 },
  store,
  archiveDir,
  // The built SPA, for the browser scenario.
  webDir: process.env.WEB_DIR,
});
// Polls often, so that a job's pick-up does not hide how long it runs.
const background = startBackgroundWork({
  store,
  archiveDir,
  signingKey,
  pollMs: 50,
  onJobError: (error) => {
    console.error('server-child: job failed', error);
  },
  onCompactionError: (error) => {
    console.error('server-child: compacting event counts failed', error);
  },
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ url, heapLimitMb: getHeapStatistics().heap_size_limit / (1024 * 1024) });

process.on('message', (message) => {
  if (message !== 'stop') return;
  void (async () => {
    await app.close();
    await background.stop();
    await store.close();
    process.exit(0);
  })();
});
process.on('disconnect', () => process.exit(0));
