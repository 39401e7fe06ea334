import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import * as yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAuditClient,
  RecordDeliveryError,
  RecorderQueueFullError,
  RecordRejectedError,
  type AuditClient,
  type AuditEvent,
  type EventToRecord,
  type Job,
} from './index';
import { startFaultProxy, type FaultProxy } from './testing/fault-proxy';
import { startLiveServer, type LiveServer } from './testing/live-server';

/** Every entry of a zip held in memory, by name. */
async function unzip(bytes: Buffer): Promise<Record<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { autoClose: false });
  const files: Record<string, Buffer> = {};
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    files[entry.fileName] = Buffer.concat(chunks);
  }
  zip.close();
  return files;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 40 };

describe('@audit/sdk against a live server', () => {
  let live: LiveServer;
  let proxy: FaultProxy;
  let token: string;
  /** Straight to the server. */
  let direct: AuditClient;
  let scratch: string;

  beforeAll(async () => {
    live = await startLiveServer();
    proxy = await startFaultProxy(live.url);
    token = await live.token('billing-svc');
    direct = createAuditClient({ url: live.url, token });
    scratch = mkdtempSync(join(tmpdir(), 'audit-sdk-test-'));
  });
  afterAll(async () => {
    await proxy.close();
    await live.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Every stored event whose task starts with `prefix`, oldest first. */
  async function stored(prefix: string): Promise<AuditEvent[]> {
    const all: AuditEvent[] = [];
    for await (const event of direct.iterate(
      { taskName: `${prefix}*` },
      { sort: { field: 'occurredAt', direction: 'asc' } },
    ))
      all.push(event);
    return all;
  }

  it('recorder: 503s, 429s, dropped connections and lost answers still store every event exactly once', async () => {
    proxy.plan(
      ['503', 'drop', 'lose-answer', '429', 'pass', 'lose-answer', '503', 'pass', 'drop'],
      (path) => path.startsWith('/trpc/auditLogs.record'),
    );
    const client = createAuditClient({ url: proxy.url, token, retry: FAST_RETRY });
    const errors: unknown[] = [];
    const recorder = client.recorder({
      maxBatch: 250,
      flushIntervalMs: 20,
      maxQueue: 5000,
      onError: (e) => errors.push(e),
    });
    const base = Date.parse('2026-03-01T00:00:00Z');
    const refs = [];
    for (let i = 0; i < 1200; i++) {
      const event: EventToRecord = {
        userName: `user-${i % 7}`,
        taskName: `sdk.retry.${i % 3}`,
        status: i % 10 === 0 ? 'failure' : 'success',
        userIp: `10.0.${i % 256}.${(i * 7) % 256}`,
        description: `retry test event ${i}`,
        metadata: { i },
      };
      // Some carry their own time, as a Date or epoch ms; the rest get record()'s clock.
      if (i % 3 === 1) event.occurredAt = new Date(base + i * 1000);
      if (i % 3 === 2) event.occurredAt = base + i * 1000;
      refs.push(recorder.record(event));
    }
    expect(recorder.pending).toBeGreaterThan(0);
    const stats = await recorder.close();

    expect(errors).toEqual([]);
    expect(recorder.pending).toBe(0);
    // A lost answer means the server stored a batch the client had to send again.
    expect(stats.stored + stats.duplicates).toBe(1200);
    expect(stats.duplicates).toBeGreaterThanOrEqual(250);
    expect(stats.retries).toBeGreaterThanOrEqual(7);
    const faults = proxy.log.filter((r) => r.path.startsWith('/trpc/auditLogs.record'));
    expect(faults.map((r) => r.fault).slice(0, 9)).toEqual([
      '503',
      'drop',
      'lose-answer',
      '429',
      'pass',
      'lose-answer',
      '503',
      'pass',
      'drop',
    ]);

    const events = await stored('sdk.retry.');
    expect(events).toHaveLength(1200);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1200);
    expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(refs.map((r) => r.eventId)));
    const byIndex = new Map(events.map((e) => [e.metadata.i as number, e]));
    expect(byIndex.get(4)).toMatchObject({
      userName: 'user-4',
      occurredAt: new Date(base + 4000).toISOString(),
      systemId: 'billing-svc',
      userIp: '10.0.4.28',
      status: 'success',
    });
    expect(byIndex.get(5)?.occurredAt).toBe(new Date(base + 5000).toISOString());
    // The time record() fixed is the time stored, whatever the retries took.
    expect(byIndex.get(0)?.occurredAt).toBe(refs[0]?.occurredAt);
    expect(byIndex.get(0)?.status).toBe('failure');
  });

  it('recorder: a batch with invalid events stores the valid ones and names the others', async () => {
    const client = createAuditClient({ url: live.url, token, retry: FAST_RETRY });
    const seen: unknown[] = [];
    const recorder = client.recorder({
      maxBatch: 50,
      flushIntervalMs: 10_000,
      onError: (e) => seen.push(e),
    });
    for (let i = 0; i < 20; i++) {
      recorder.record({
        userName: 'validator',
        taskName: 'sdk.invalid.ok',
        status: 'success',
        userIp: i === 7 ? 'not-an-ip' : '192.0.2.1',
        metadata: { i },
      });
    }
    const bad = recorder.record({
      userName: 'validator',
      taskName: 'sdk.invalid.bad',
      status: 'nope' as 'success', // as a caller without types would send it
    });

    const error: unknown = await recorder.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordRejectedError);
    const rejected = (error as RecordRejectedError).rejected;
    expect(rejected.map((r) => r.event.eventId).sort()).toHaveLength(2);
    expect(rejected.find((r) => r.event.eventId === bad.eventId)?.reason).toMatch(/^status: /);
    expect(rejected.find((r) => r.event.metadata?.i === 7)?.reason).toMatch(/^userIp: /);
    expect((error as RecordRejectedError).status).toBe(400);
    expect(seen).toEqual([error]);
    expect(recorder.stats).toMatchObject({ stored: 19, rejected: 2 });
    expect(await stored('sdk.invalid.')).toHaveLength(19);
    // Reported once: the next flush is clean.
    await expect(recorder.close()).resolves.toMatchObject({ stored: 19 });
  });

  it('recorder: a full queue refuses loudly and keeps what it had; close() waits for all of it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = createAuditClient({
      url: live.url,
      token,
      fetch: async (input, init) => {
        await gate;
        return fetch(input, init);
      },
    });
    const recorder = client.recorder({ maxBatch: 100, maxQueue: 300, flushIntervalMs: 5 });
    const events = (n: number, from: number) =>
      Array.from({ length: n }, (_, k) => ({
        userName: 'queue',
        taskName: 'sdk.queue',
        status: 'success' as const,
        metadata: { i: from + k },
      }));
    recorder.recordMany(events(250, 0));
    recorder.record(events(1, 250)[0]!);
    expect(() => recorder.recordMany(events(60, 251))).toThrow(RecorderQueueFullError);
    expect(() => recorder.recordMany(events(60, 251))).toThrow(
      /queue is full: 251 events are waiting \(maxQueue 300\); 60 more refused/,
    );
    expect(recorder.pending).toBe(251);
    recorder.recordMany(events(49, 251)); // exactly up to the limit
    expect(() => recorder.record(events(1, 300)[0]!)).toThrow(RecorderQueueFullError);
    release();
    await expect(recorder.close()).resolves.toMatchObject({ stored: 300, duplicates: 0 });
    expect(() => recorder.record(events(1, 301)[0]!)).toThrow(/closed/);
    const all = await stored('sdk.queue');
    expect(all.map((e) => e.metadata.i).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });

  it('gives up after maxAttempts with the events in the error; sending them again stores each once', async () => {
    proxy.plan(['lose-answer', '503', '503'], (path) => path.startsWith('/trpc/auditLogs.record'));
    const flaky = createAuditClient({
      url: proxy.url,
      token,
      retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 5 },
    });
    const events = Array.from({ length: 30 }, (_, i) => ({
      eventId: randomUUID(),
      occurredAt: `2026-02-0${1 + (i % 9)}T12:00:00+02:00`,
      userName: 'giveup',
      taskName: 'sdk.giveup',
      status: 'success' as const,
    }));
    const error: unknown = await flaky.record(events).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect((error as RecordDeliveryError).attempts).toBe(3);
    expect((error as RecordDeliveryError).message).toMatch(
      /30 audit events not acknowledged after 3 attempts/,
    );
    expect((error as RecordDeliveryError).events.map((e) => e.eventId)).toEqual(
      events.map((e) => e.eventId),
    );
    // The first attempt was stored (its answer was lost): sending again duplicates nothing.
    const again = await flaky.record((error as RecordDeliveryError).events);
    expect(again).toMatchObject({ stored: 0, duplicates: 30 });
    expect(await stored('sdk.giveup')).toHaveLength(30);
  });

  it('recorder: keeps `concurrency` calls in flight, never more, and stores each event once', async () => {
    let inFlight = 0;
    let most = 0;
    const client = createAuditClient({
      url: live.url,
      token,
      fetch: async (input, init) => {
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    const recorder = client.recorder({ maxBatch: 50, concurrency: 3, flushIntervalMs: 5 });
    recorder.recordMany(
      Array.from({ length: 400 }, (_, i) => ({
        userName: 'lanes',
        taskName: 'sdk.lanes',
        status: 'success' as const,
        metadata: { i },
      })),
    );
    await expect(recorder.close()).resolves.toMatchObject({ stored: 400, batches: 8 });
    expect(most).toBe(3);
    const all = await stored('sdk.lanes');
    expect(all.map((e) => e.metadata.i).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 400 }, (_, i) => i),
    );
    expect(() => client.recorder({ concurrency: 9 })).toThrow(/concurrency must be .* 1 to 8/);
  });

  it('regression: a call that timed out was reported refused; it is retried, and nothing is lost', async () => {
    let calls = 0;
    const client = createAuditClient({
      url: live.url,
      token,
      timeoutMs: 300,
      retry: FAST_RETRY,
      fetch: async (input, init) => {
        // The first answer comes too late: the call times out, though the server stored it.
        const answer = await fetch(input, init);
        if (++calls === 1) await new Promise((resolve) => setTimeout(resolve, 1000));
        const signal = (init as RequestInit | undefined)?.signal;
        if (signal?.aborted) throw signal.reason;
        return answer;
      },
    });
    const outcome = await client.record(
      Array.from({ length: 20 }, (_, i) => ({
        userName: 'slow',
        taskName: 'sdk.timeout',
        status: 'success' as const,
        metadata: { i },
      })),
    );
    expect(calls).toBe(2);
    expect(outcome).toMatchObject({ stored: 0, duplicates: 20 });
    expect(await stored('sdk.timeout')).toHaveLength(20);
  });

  it('splits a batch that a proxy finds too large', async () => {
    proxy.maxBodyBytes = 40_000;
    try {
      const client = createAuditClient({ url: proxy.url, token, retry: FAST_RETRY });
      const events = Array.from({ length: 600 }, (_, i) => ({
        userName: 'big',
        taskName: 'sdk.split',
        status: 'success' as const,
        description: `event ${i} `.padEnd(200, '.'),
      }));
      await expect(client.record(events)).resolves.toMatchObject({ stored: 600 });
      const sizes = proxy.log.filter((r) => r.path.startsWith('/trpc/auditLogs.record'));
      expect(sizes.some((r) => r.fault === '413')).toBe(true);
      expect(await stored('sdk.split')).toHaveLength(600);
    } finally {
      proxy.maxBodyBytes = 0;
    }
  });

  it('iterate: a few thousand events, all of them, in order, once, without counting', async () => {
    const base = Date.parse('2025-12-01T00:00:00Z');
    // Three events per second: ties on occurredAt must not lose or repeat any across pages.
    const events = Array.from({ length: 3000 }, (_, i) => ({
      userName: `it-${i % 5}`,
      taskName: `sdk.iterate.${i % 4}`,
      status: 'success' as const,
      occurredAt: base + Math.floor(i / 3) * 1000,
      metadata: { i },
    }));
    const recorded = await direct.record(events);
    expect(recorded.stored).toBe(3000);

    const before = proxy.log.length;
    const client = createAuditClient({ url: proxy.url, token });
    const newestFirst: AuditEvent[] = [];
    for await (const event of client.iterate({ taskName: 'sdk.iterate.*' }, { pageSize: 700 }))
      newestFirst.push(event);
    const requests = proxy.log.slice(before);
    expect(requests).toHaveLength(5); // 700 × 4 + 200
    for (const request of requests) {
      const input = JSON.parse(
        new URL(request.path, proxy.url).searchParams.get('input') ?? '{}',
      ) as Record<string, unknown>;
      expect(input).toMatchObject({ withTotal: false, limit: 700 });
    }

    expect(newestFirst).toHaveLength(3000);
    expect(new Set(newestFirst.map((e) => e.id)).size).toBe(3000);
    expect(new Set(newestFirst.map((e) => e.eventId))).toEqual(
      new Set(recorded.events.map((e) => e.eventId)),
    );
    for (let k = 1; k < newestFirst.length; k++) {
      const [previous, current] = [newestFirst[k - 1]!, newestFirst[k]!];
      expect(Date.parse(previous.occurredAt)).toBeGreaterThanOrEqual(
        Date.parse(current.occurredAt),
      );
    }
    expect(newestFirst[0]?.occurredAt).toBe(new Date(base + 999_000).toISOString());
    expect(newestFirst.at(-1)?.occurredAt).toBe(new Date(base).toISOString());

    const oldestFirst: AuditEvent[] = [];
    for await (const event of client.iterate(
      { taskName: 'sdk.iterate.*', userName: ['it-0', 'it-1'] },
      { sort: { field: 'occurredAt', direction: 'asc' }, pageSize: 333 },
    ))
      oldestFirst.push(event);
    expect(oldestFirst).toHaveLength(1200);
    // Page after page gives exactly the order of one big page.
    const onePage = await client.list({
      filter: { taskName: 'sdk.iterate.*', userName: ['it-0', 'it-1'] },
      sort: { field: 'occurredAt', direction: 'asc' },
      limit: 2000,
    });
    expect(onePage.total).toBe(1200);
    expect(oldestFirst.map((e) => e.id)).toEqual(onePage.items.map((e) => e.id));
    expect(new Set(oldestFirst.map((e) => e.metadata.i))).toEqual(
      new Set(events.flatMap((e) => (['it-0', 'it-1'].includes(e.userName) ? [e.metadata.i] : []))),
    );

    // An empty result is an empty iteration.
    const none: AuditEvent[] = [];
    for await (const event of client.iterate({ taskName: 'sdk.nothing.here' })) none.push(event);
    expect(none).toEqual([]);
  });

  it('exportTo: follows the job, downloads the archive to a path, a Node stream and a WritableStream', async () => {
    const events = Array.from({ length: 120 }, (_, i) => ({
      userName: i % 2 ? 'alice' : 'bob',
      taskName: 'sdk.export.run',
      status: i % 5 ? ('success' as const) : ('failure' as const),
      occurredAt: `2026-01-15T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
      description: i === 3 ? '=HYPERLINK("x")' : `export row ${i}`,
    }));
    const recorded = await direct.record(events);
    const runner = live.app.runner({ pollMs: 20 });
    runner.start();
    try {
      const progress: Job[] = [];
      const path = join(scratch, 'export.zip');
      const result = await direct.exportTo(
        { taskName: 'sdk.export.*' },
        { format: 'csv', timeZone: 'Europe/Paris' },
        path,
        { onProgress: (job) => progress.push(job), pollIntervalMs: 20 },
      );
      expect(result.job).toMatchObject({ type: 'export', state: 'success', percent: 100 });
      expect(progress[0]?.state).toBe('scheduled');
      expect(progress.at(-1)?.state).toBe('success');
      expect(progress.every((job) => job.id === result.job.id)).toBe(true);
      expect(existsSync(`${path}.part`)).toBe(false);

      const zip = readFileSync(path);
      expect(result.bytes).toBe(zip.length);
      expect(result.archive.sizeBytes).toBe(zip.length);
      const files = await unzip(zip);
      expect(Object.keys(files).sort()).toEqual(['events.csv', 'manifest.json', 'seals.ndjson']);
      const manifest = JSON.parse(files['manifest.json']!.toString('utf8')) as Record<
        string,
        unknown
      >;
      const data = files['events.csv']!;
      expect(manifest).toMatchObject({ format: 'csv', timeZone: 'Europe/Paris', rowCount: 120 });
      expect(sha256(data)).toBe(manifest.sha256);
      expect(result.archive).toMatchObject({ rowCount: 120, sha256: manifest.sha256 });
      const lines = data.toString('utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(121);
      for (const { eventId } of recorded.events) expect(data.toString('utf8')).toContain(eventId);
      expect(data.toString('utf8')).toContain('2026-01-15T11:00:00'); // 10:00Z in Paris
      expect(data.toString('utf8')).toContain(`"'=HYPERLINK(""x"")"`);

      // The same archive again, into a Node stream.
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      await expect(direct.download(result.archive.id, sink)).resolves.toBe(zip.length);
      expect(Buffer.concat(chunks).equals(zip)).toBe(true);

      // An NDJSON export of the failures into a web WritableStream.
      const parts: Uint8Array[] = [];
      const ndjson = await direct.exportTo(
        { taskName: 'sdk.export.*', status: 'failure' },
        { format: 'ndjson' },
        new WritableStream<Uint8Array>({ write: (chunk) => void parts.push(chunk) }),
        { pollIntervalMs: 20 },
      );
      const ndFiles = await unzip(Buffer.concat(parts));
      const rows = ndFiles['events.ndjson']!.toString('utf8').trimEnd().split('\n');
      expect(rows).toHaveLength(24);
      expect(rows.every((row) => (JSON.parse(row) as AuditEvent).status === 'failure')).toBe(true);
      const ndManifest = JSON.parse(ndFiles['manifest.json']!.toString('utf8')) as {
        sha256: string;
      };
      expect(sha256(ndFiles['events.ndjson']!)).toBe(ndManifest.sha256);
      expect(ndjson.archive.sha256).toBe(ndManifest.sha256);

      const listed = await direct.trpc.exports.list.query({ kind: 'export' });
      expect(listed.items.map((a) => a.id)).toEqual(
        expect.arrayContaining([result.archive.id, ndjson.archive.id]),
      );
    } finally {
      await runner.stop();
    }
  });

  it('download: a missing archive is a clear 404 and leaves no file', async () => {
    const path = join(scratch, 'missing.zip');
    await expect(direct.download('999999', path)).rejects.toThrow(
      /download of archive 999999: HTTP 404 — no archive 999999/,
    );
    expect(existsSync(path) || existsSync(`${path}.part`)).toBe(false);
  });

  it('jobs.report creates, then updates, a service job that jobs.byId and events show', async () => {
    const first = await direct.jobs.report({
      key: 'nightly-sync-2026-03-01',
      name: 'Nightly sync',
      type: 'sync',
      state: 'in_progress',
      percent: 40,
      startedAt: '2026-03-01T02:00:00Z',
      params: { source: 'crm' },
    });
    expect(first.created).toBe(true);
    expect(first.job).toMatchObject({ state: 'in_progress', percent: 40, systemId: 'billing-svc' });

    const { events } = await direct.record({
      userName: 'sync-bot',
      taskName: 'sync.batch',
      status: 'success',
      jobId: first.job.id,
    });
    const second = await direct.jobs.report({
      key: 'nightly-sync-2026-03-01',
      name: 'Nightly sync',
      type: 'sync',
      state: 'success',
      percent: 100,
      endedAt: '2026-03-01T02:10:00Z',
      result: { synced: 1234 },
    });
    expect(second).toMatchObject({ created: false, job: { id: first.job.id } });

    const job = await direct.jobs.byId(first.job.id);
    expect(job).toMatchObject({
      name: 'Nightly sync',
      type: 'sync',
      state: 'success',
      percent: 100,
      startedAt: '2026-03-01T02:00:00.000Z',
      endedAt: '2026-03-01T02:10:00.000Z',
      result: { synced: 1234 },
      params: { source: 'crm' },
      systemId: 'billing-svc',
    });
    const [event] = await (async () => {
      const found: AuditEvent[] = [];
      for await (const e of direct.iterate({ eventId: events[0]!.eventId })) found.push(e);
      return found;
    })();
    const detail = await direct.byId(event!.id, event!.occurredAt);
    expect(detail.job).toMatchObject({ id: first.job.id, state: 'success', name: 'Nightly sync' });
  });

  it('reports refusals with the API’s code and message', async () => {
    const reader = createAuditClient({
      url: live.url,
      token: (await live.app.token(['read'])).secret,
    });
    const error: unknown = await reader
      .record({ userName: 'x', taskName: 'y', status: 'success' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordRejectedError);
    expect((error as Error).message).toMatch(
      /1 audit events refused \(FORBIDDEN\): recording needs an API token with the "ingest" scope/,
    );

    const nobody = createAuditClient({ url: live.url, token: 'alm_not-a-real-token' });
    await expect(nobody.list()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
      message: 'the API token is unknown, revoked or expired',
    });
    expect(() => createAuditClient({ url: 'localhost:3000', token })).toThrow(
      /absolute http\(s\) URL/,
    );
  });
});
