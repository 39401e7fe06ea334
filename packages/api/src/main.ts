import { join, resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';

import { createDb } from '@audit/db';

import { ensureFirstAdmin } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { isDatabaseUnavailable } from './data/db-errors';
import { heapLimitWarning } from './heap';
import { startBackgroundWork } from './jobs/background';
import { ensureRetentionJob } from './jobs/retention';
import { ensureVerifyJob } from './jobs/verify-job';
import { loadSigningKey } from './integrity/signing-key';
import { createMetrics } from './metrics';
import { buildServer } from './server';

/** A shutdown ends within this, whatever it waits for. */
const SHUTDOWN_MS = 10_000;
/** How long a shutdown waits for the job in hand before releasing its claim. */
const JOB_WAIT_MS = 6_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const store = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await store.migrate();
  const admin = await ensureFirstAdmin(store.db, config.ADMIN_PASSWORD, new Date());
  const signingKey = await loadSigningKey({
    configured: config.AUDIT_SIGNING_KEY,
    dataDir: resolve(process.env.INIT_CWD ?? process.cwd(), config.DATA_DIR),
  });
  const archiveDir = resolve(
    process.env.INIT_CWD ?? process.cwd(),
    config.ARCHIVE_DIR ?? join(config.DATA_DIR, 'archives'),
  );
  await ensureRetentionJob(store.db, new Date());
  await ensureVerifyJob(store.db, new Date());
  // The SPA `pnpm start` built (packages/web/dist), found beside this package.
  const webDir = resolve(import.meta.dirname, '../../web/dist');
  const metrics = createMetrics();
  const app = await buildServer({ config, store, archiveDir, webDir, metrics, signingKey });
  const heapWarning = heapLimitWarning(getHeapStatistics().heap_size_limit);
  if (heapWarning) app.log.warn(heapWarning);
  const background = startBackgroundWork({
    store,
    archiveDir,
    signingKey,
    onJobRunEnded: (job, outcome, seconds) => {
      metrics.jobRuns.inc({ type: job.type, outcome });
      metrics.jobSeconds.observe({ type: job.type }, seconds);
    },
    onJobError: (error, job) => {
      // An outage is logged by every poll until it ends: a line each, not a stack each.
      if (isDatabaseUnavailable(error)) {
        app.log.warn({ jobId: job?.id }, 'jobs wait: the database is unavailable');
      } else {
        app.log.error({ err: error, jobId: job?.id }, 'job failed');
      }
    },
    onSealingError: (error) => {
      if (isDatabaseUnavailable(error)) {
        app.log.warn('sealing waits: the database is unavailable');
      } else {
        app.log.error({ err: error }, 'sealing events failed');
      }
    },
    onCompactionError: (error) => {
      if (isDatabaseUnavailable(error)) {
        app.log.warn('count compaction waits: the database is unavailable');
      } else {
        app.log.error({ err: error }, 'compacting event counts failed');
      }
    },
  });
  if (admin.generatedPassword) {
    // Printed once, on the console only (not in the structured log).
    console.log(`\nCreated user "admin" with password: ${admin.generatedPassword}\n`);
  } else if (admin.created) {
    app.log.info('created user "admin" with ADMIN_PASSWORD');
  }

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ reason }, 'shutting down');
    // Whatever happens, gone within SHUTDOWN_MS: what is unfinished is resumed elsewhere.
    const deadline = setTimeout(() => {
      app.log.warn('shutdown deadline reached; exiting with work unfinished');
      process.exit(1);
    }, SHUTDOWN_MS);
    await app.close(); // stops accepting, lets in-flight requests finish
    const finished = await Promise.race([
      background.stop().then(() => true), // the job in hand reaches its end (or checkpoint)
      new Promise<false>((resolve) =>
        setTimeout(() => {
          resolve(false);
        }, JOB_WAIT_MS),
      ),
    ]);
    if (!finished) {
      try {
        const released = await background.releaseClaims();
        app.log.warn({ released }, 'job still running at shutdown: its claim is released');
      } catch (error) {
        // The database is out of reach: the claim lapses with its lease instead.
        app.log.warn({ err: error }, 'could not release the job claim at shutdown');
      }
    }
    await store.close();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // `pnpm start` may exit on a signal without passing it on: a server left behind by its
  // parent stops too, rather than run on orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('its parent process exited');
  }, 1000).unref();

  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
