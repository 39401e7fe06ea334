// Database faults do not take the server down. On PostgreSQL the server's connections go
// through a TCP proxy (testing/db-fault-proxy.ts) that drops them mid-query and
// mid-transaction and refuses new ones for a while, as a network fault or a restart would;
// the real PostgreSQL is shared with other test runs and is never restarted. PGlite runs in
// the process and has no connection to lose: there its calls fail with the errors postgres.js
// raises (refused, closed, an answer lost after the work was done), so the same scenario checks
// the server's side of it: 503 with Retry-After, retries that store each event once, jobs
// that resume, readiness that comes back.
import { randomUUID } from 'node:crypto';

import { createDb, queryRows, type AuditDb, type RawClient } from '@audit/db';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The SDK's source, not the package: @audit/sdk depends on this package (for the router's
// type), so depending on it back would make the workspace graph a cycle.
import { createAuditClient, RecordDeliveryError } from '../../sdk/src/index';
import { isDatabaseUnavailable } from './data/db-errors';
import { CountCompactor } from './jobs/count-compactor';
import { jobHandlers } from './jobs/handlers';
import { generateSigningKey } from './integrity/signing-key';
import { JobRunner } from './jobs/runner';
import { buildServer, UNAVAILABLE_RETRY_AFTER_SECONDS } from './server';
import { startDbFaultProxy, type DbFaultProxy } from './testing/db-fault-proxy';
import { createTestApp, type TestApp } from './testing/harness';

type PGlite = Extract<RawClient, { driver: 'pglite' }>['pglite'];
type PGliteTransaction = Parameters<Parameters<PGlite['transaction']>[0]>[0];

/**
 * What the scenario does to the database, whichever it is: the proxy's faults (on PGlite,
 * `dropped` counts calls in flight made to fail).
 */
type Faults = Omit<DbFaultProxy, 'port'>;

/** PGlite's calls fail as postgres.js's do when its connection is lost or refused. */
function pgliteFaults(pglite: PGlite): Faults {
  const original = {
    query: pglite.query.bind(pglite),
    exec: pglite.exec.bind(pglite),
    transaction: pglite.transaction.bind(pglite),
  };
  let epoch = 0;
  let dropped = 0;
  let outage = false;
  let armed: (() => void) | null = null;
  const failure = (code: string) => Object.assign(new Error(`simulated ${code}`), { code });
  const guard = <A extends unknown[], R>(call: (...args: A) => Promise<R>, inTx: boolean) =>
    async function guarded(...args: A): Promise<R> {
      if (outage) throw failure('ECONNREFUSED');
      if (inTx && armed) {
        const fired = armed;
        armed = null;
        epoch++;
        dropped++;
        fired();
        throw failure('CONNECTION_CLOSED');
      }
      const at = epoch;
      const result = await call(...args);
      // A drop overtook the answer: the work was done, the caller never hears of it.
      if (epoch !== at) throw failure('CONNECTION_CLOSED');
      return result;
    };
  pglite.query = guard(original.query, false) as PGlite['query'];
  pglite.exec = guard(original.exec, false);
  pglite.transaction = ((callback: (tx: PGliteTransaction) => Promise<unknown>) => {
    if (outage) return Promise.reject(failure('ECONNREFUSED'));
    return original.transaction((tx: PGliteTransaction) => {
      tx.query = guard(tx.query.bind(tx), true) as PGliteTransaction['query'];
      tx.exec = guard(tx.exec.bind(tx), true);
      return callback(tx);
    });
  }) as PGlite['transaction'];
  const dropAll = () => {
    epoch++;
    dropped++;
    return 1;
  };
  return {
    get dropped() {
      return dropped;
    },
    dropAll,
    dropInTransaction: () =>
      new Promise<void>((resolve) => {
        armed = resolve;
      }),
    startOutage() {
      outage = true;
      dropAll();
      return Promise.resolve();
    },
    endOutage() {
      outage = false;
      return Promise.resolve();
    },
    close() {
      Object.assign(pglite, original);
      return Promise.resolve();
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${ms} ms`);
    await pause(50);
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    pause(ms).then(() => {
      throw new Error(`${what} did not happen within ${ms} ms`);
    }),
  ]);
}

/** The eventIds of a record call's body (tRPC's httpLink sends the input as it is). */
function eventIdsOf(body: unknown): string[] {
  const input = JSON.parse(String(body)) as { events?: { eventId: string }[] };
  return (input.events ?? []).map((event) => event.eventId);
}

const RETRY_AFTER = String(UNAVAILABLE_RETRY_AFTER_SECONDS);

describe(
  process.env.DATABASE_URL
    ? 'database faults: PostgreSQL behind a proxy that drops and refuses connections'
    : 'database faults: PGlite, whose calls fail as a lost or refused connection makes them',
  () => {
    let app: TestApp;
    let serverStore: AuditDb;
    let faults: Faults;
    let http: FastifyInstance | undefined;
    let base: string;
    let runner: JobRunner | undefined;
    let compactor: CountCompactor | undefined;
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);

    beforeAll(async () => {
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      app = await createTestApp();
      const raw = app.store.raw;
      if (raw.driver === 'postgres') {
        const [row] = await queryRows<{ name: string }>(
          app.store.db,
          sql`SELECT current_database() AS name`,
        );
        const direct = new URL(process.env.DATABASE_URL ?? '');
        const proxy = await startDbFaultProxy({
          host: direct.hostname,
          port: Number(direct.port || 5432),
        });
        const viaProxy = new URL(direct);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
        viaProxy.pathname = `/${row?.name ?? ''}`;
        serverStore = await createDb({ databaseUrl: viaProxy.toString(), maxConnections: 6 });
        faults = proxy;
      } else {
        serverStore = app.store;
        faults = pgliteFaults(raw.pglite);
      }
      http = await buildServer({
        config: { LOG_LEVEL: 'silent', RATE_LIMIT: 0 },
        store: serverStore,
        archiveDir: app.archiveDir,
      });
      base = await http.listen({ port: 0, host: '127.0.0.1' });
    });

    afterAll(async () => {
      await runner?.stop();
      await compactor?.stop();
      await http?.close();
      await faults.close();
      if (serverStore !== app.store) await serverStore.close();
      await app.close();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    });

    it('regression: drops mid-query and mid-transaction and a 2.5 s outage: no crash, 503 with Retry-After meanwhile, every acknowledged event stored exactly once, the export resumes, ready again', async () => {
      const { secret } = await app.token(['ingest', 'read'], { systemId: 'faults' });

      // What the server answered the writers, seen on the wire.
      const answers = {
        ok: 0,
        lastOkAt: 0,
        unavailable: 0,
        other: [] as number[],
        retryAfter: new Set(),
      };
      const acknowledged = new Set<string>();
      const observed: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('/trpc/auditLogs.record')) {
          if (response.status === 200) {
            answers.ok++;
            answers.lastOkAt = Date.now();
            for (const id of eventIdsOf(init?.body)) acknowledged.add(id);
          } else if (response.status === 503) {
            answers.unavailable++;
            answers.retryAfter.add(response.headers.get('retry-after'));
          } else {
            answers.other.push(response.status);
          }
        }
        return response;
      };
      const client = createAuditClient({
        url: base,
        token: secret,
        fetch: observed,
        timeoutMs: 20_000,
        retry: { maxAttempts: 40, minDelayMs: 50, maxDelayMs: 1_000 },
      });

      // The job runner and the count compactor, as every server process runs them. The export
      // is held after its first batch until the outage starts, so that the outage hits it.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let exportHeld = false;
      const interruptions: string[] = [];
      const jobErrors: unknown[] = [];
      const compactionErrors: unknown[] = [];
      runner = new JobRunner({
        store: serverStore,
        handlers: jobHandlers({ archiveDir: app.archiveDir, signingKey: generateSigningKey() }),
        pollMs: 100,
        faults: async (point) => {
          if (point !== 'export-batch' || exportHeld) return;
          exportHeld = true;
          await held;
        },
        onError: (error, job) => {
          // Polls fail while the database is away; a job in hand is interrupted, not failed.
          if (!isDatabaseUnavailable(error)) jobErrors.push(error);
          else if (job) interruptions.push(job.id);
        },
      });
      compactor = new CountCompactor({
        store: serverStore,
        intervalMs: 100,
        onError: (error) => compactionErrors.push(error),
      });
      runner.start();
      compactor.start();

      // Writers, recording batches of 5 events with the SDK's retries.
      const sent = new Set<string>();
      const recorded = new Set<string>();
      const undelivered = new Set<string>();
      const refusals: string[] = [];
      let writing = true;
      const writer = async (w: number) => {
        while (writing) {
          const batch = Array.from({ length: 5 }, () => ({
            eventId: randomUUID(),
            userName: `writer-${w}`,
            taskName: 'db-faults',
            status: 'success' as const,
          }));
          for (const event of batch) sent.add(event.eventId);
          try {
            const outcome = await client.record(batch);
            for (const event of outcome.events) recorded.add(event.eventId);
          } catch (error) {
            if (!(error instanceof RecordDeliveryError)) refusals.push(String(error));
            for (const event of batch) undelivered.add(event.eventId);
          }
        }
      };
      const writers = Array.from({ length: 4 }, (_, w) => writer(w));

      await until(() => recorded.size > 0, 10_000, 'recording');
      const exportJob = await client.trpc.exports.create.mutate({ format: 'csv' });
      await until(() => exportHeld, 10_000, 'exporting');

      // (a) Connections dropped under load: mid-query, then inside a transaction.
      await pause(300);
      faults.dropAll();
      await pause(400);
      await within(faults.dropInTransaction(), 5_000, 'a drop inside a transaction');
      await pause(400);

      // (b) An outage: nothing connects for 2.5 s. The held export runs into it.
      await faults.startOutage();
      const outageStarted = Date.now();
      release();
      const auth = { authorization: `Bearer ${secret}` };
      const record = await fetch(`${base}/trpc/auditLogs.record`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            { eventId: randomUUID(), userName: 'probe', taskName: 'probe', status: 'success' },
          ],
        }),
      });
      const list = await fetch(`${base}/trpc/auditLogs.list?input=${encodeURIComponent('{}')}`, {
        headers: auth,
      });
      const ready = await fetch(`${base}/readyz`);
      const download = await fetch(`${base}/archives/1/download`, { headers: auth });
      await pause(2_500 - (Date.now() - outageStarted));
      await faults.endOutage();
      const outageEnded = Date.now();
      await until(() => answers.lastOkAt > outageEnded, 10_000, 'recording again');
      const recoveredMs = answers.lastOkAt - outageEnded;

      // (c) Back, and dropped again twice under load.
      await pause(500);
      faults.dropAll();
      await pause(300);
      await within(faults.dropInTransaction(), 5_000, 'a drop inside a transaction');
      await pause(800);
      writing = false;
      await Promise.all(writers);

      // During the outage: 503, Retry-After, a message; never a 500.
      expect(record.status).toBe(503);
      expect(record.headers.get('retry-after')).toBe(RETRY_AFTER);
      expect(await record.json()).toMatchObject({
        error: { message: 'the database is unavailable; try again in a few seconds' },
      });
      expect(list.status).toBe(503);
      expect(list.headers.get('retry-after')).toBe(RETRY_AFTER);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBeTruthy();
      expect(await ready.json()).toMatchObject({ ready: false });
      expect(download.status).toBe(503);
      expect(download.headers.get('retry-after')).toBe(RETRY_AFTER);

      // The writers met 503s too, and nothing else but 200.
      expect(answers.unavailable).toBeGreaterThan(0);
      expect([...answers.retryAfter]).toEqual([RETRY_AFTER]);
      expect(answers.other).toEqual([]);
      expect(refusals).toEqual([]);

      // Back by itself: ready, and the export that the outage interrupted finished.
      await until(
        async () => (await fetch(`${base}/readyz`)).status === 200,
        10_000,
        'ready again',
      );
      const job = await within(
        client.jobs.wait(exportJob.id, { pollIntervalMs: 100 }),
        20_000,
        'the export ending',
      );
      // Within seconds: postgres.js's reconnect backoff is capped (createDb), the SDK waits
      // Retry-After.
      expect(recoveredMs).toBeLessThan(5_000);
      expect(job.state).toBe('success');
      expect(interruptions).toContain(exportJob.id);
      expect(jobErrors).toEqual([]);

      // Every event acknowledged is stored exactly once (counted by eventId alone).
      const rows = await queryRows<{ eventId: string; n: number }>(
        app.store.db,
        sql`SELECT event_id::text AS "eventId", count(*)::int AS n FROM events
            WHERE task_name = 'db-faults' GROUP BY event_id`,
      );
      const stored = new Map(rows.map((row) => [row.eventId, row.n]));
      const duplicated = rows.filter((row) => row.n > 1).length;
      const lost = [...acknowledged, ...recorded].filter((id) => stored.get(id) !== 1).length;
      const strangers = rows.filter((row) => !sent.has(row.eventId)).length;
      console.info(
        `db-faults (${serverStore.driver}): ${sent.size} events sent, ${acknowledged.size} acknowledged by the server, ` +
          `${recorded.size} reported recorded by the SDK, ${stored.size} stored, ${duplicated} duplicated, ` +
          `${lost} lost, ${undelivered.size} undelivered; ${answers.ok} record answers 200, ` +
          `${answers.unavailable} answered 503; ${faults.dropped} connections dropped; ` +
          `${interruptions.length} job interruptions; recording again ${recoveredMs} ms after the outage`,
      );
      expect(recorded.size).toBeGreaterThan(0);
      expect(undelivered.size).toBe(0);
      expect(recorded).toEqual(new Set(sent));
      expect(duplicated).toBe(0);
      expect(lost).toBe(0);
      expect(strangers).toBe(0);
      expect(faults.dropped).toBeGreaterThanOrEqual(4);

      // The compactor goes on folding the deltas the writers added.
      await until(
        async () => {
          const [row] = await queryRows<{ n: number }>(
            app.store.db,
            sql`SELECT count(*)::int AS n FROM event_count_deltas`,
          );
          return row?.n === 0;
        },
        10_000,
        'compacted',
      );

      // Nothing was thrown past a handler anywhere in the process.
      expect(crashes).toEqual([]);
    }, 60_000);
  },
);
