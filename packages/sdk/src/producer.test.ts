import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  createAuditClient,
  RecorderQueueFullError,
  type AuditClient,
  type AuditEvent,
  type EventToRecord,
} from './index';
import type { FetchLike } from './platform';
import { startFaultProxy, type FaultProxy } from './testing/fault-proxy';
import { startLiveServer, type LiveServer } from './testing/live-server';

const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 40 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface SentEvent {
  eventId: string;
  producerId?: string | null;
  producerSeq?: number | null;
}

/**
 * A fetch that notes every event each `auditLogs.record` call carries, and may change the
 * body on its way (`edit`), as a faulty hop between the service and the server would.
 */
function recordingFetch(edit?: (events: SentEvent[]) => SentEvent[]) {
  const sent: SentEvent[][] = [];
  const fetch: FetchLike = (url, init) => {
    let body = init?.body;
    if (url.includes('/trpc/auditLogs.record') && body !== undefined) {
      const parsed = JSON.parse(body) as { events: SentEvent[] };
      sent.push(parsed.events);
      if (edit) body = JSON.stringify({ ...parsed, events: edit(parsed.events) });
    }
    return globalThis.fetch(url, { ...init, ...(body === undefined ? {} : { body }) });
  };
  return { sent, fetch };
}

describe('the recorder numbers its events for lost-event detection', () => {
  let live: LiveServer;
  let proxy: FaultProxy;
  let token: string;
  let direct: AuditClient;

  beforeAll(async () => {
    live = await startLiveServer();
    proxy = await startFaultProxy(live.url);
    token = await live.token('producer-tests');
    direct = createAuditClient({ url: live.url, token });
  });
  afterAll(async () => {
    await proxy.close();
    await live.close();
  });
  afterEach(() => {
    live.app.setNow(undefined);
  });

  async function storedOf(producerId: string): Promise<AuditEvent[]> {
    const all: AuditEvent[] = [];
    for await (const event of direct.iterate({ producerId })) all.push(event);
    return all.sort((a, b) => (a.producerSeq ?? 0) - (b.producerSeq ?? 0));
  }

  const gapsOf = (producerId: string, graceSeconds: number) =>
    direct.trpc.integrity.gaps.query({ producerId, graceSeconds });

  const event = (i: number): EventToRecord => ({
    userName: `user-${i % 5}`,
    taskName: 'sdk.producer',
    status: 'success',
    metadata: { i },
  });

  it('stamps a UUID per recorder and 1, 2, 3, … in record() order; retries resend the same numbers', async () => {
    proxy.plan(['lose-answer', '503', 'drop', 'pass', 'lose-answer', '429'], (path) =>
      path.startsWith('/trpc/auditLogs.record'),
    );
    const { sent, fetch } = recordingFetch();
    const client = createAuditClient({ url: proxy.url, token, retry: FAST_RETRY, fetch });
    // Small batches, four at once: they reach the server out of order.
    const recorder = client.recorder({ maxBatch: 40, flushIntervalMs: 5, concurrency: 4 });
    const refs = Array.from({ length: 400 }, (_, i) => recorder.record(event(i)));
    const stats = await recorder.close();
    expect(stats.stored + stats.duplicates).toBe(400);
    expect(stats.retries).toBeGreaterThanOrEqual(5);

    const producerId = recorder.producer.id;
    expect(producerId).toMatch(UUID);
    expect(recorder.producer.lastSeq).toBe(400);
    const another = client.recorder().producer;
    expect(another.id).toMatch(UUID);
    expect(another.id).not.toBe(producerId);
    expect(another.lastSeq).toBe(0);

    // Every attempt sent an event under the same number; some were sent more than once.
    const seqOf = new Map<string, number[]>();
    for (const e of sent.flat()) {
      expect(e.producerId).toBe(producerId);
      seqOf.set(e.eventId, [...(seqOf.get(e.eventId) ?? []), e.producerSeq ?? -1]);
    }
    expect([...seqOf.values()].some((seqs) => seqs.length > 1)).toBe(true);
    refs.forEach((ref, i) => {
      expect(new Set(seqOf.get(ref.eventId))).toEqual(new Set([i + 1]));
    });

    // Stored once each, numbered in record() order, and the server sees no gap.
    const stored = await storedOf(producerId);
    expect(stored.map((e) => e.eventId)).toEqual(refs.map((r) => r.eventId));
    expect(stored.map((e) => e.producerSeq)).toEqual(refs.map((_, i) => i + 1));
    expect(await gapsOf(producerId, 0)).toMatchObject({ gaps: [], pending: 0 });
  });

  it('events lost on the way are reported once the grace period is over, and not before', async () => {
    const t0 = Date.parse('2026-05-04T10:00:00.000Z');
    live.app.setNow(new Date(t0));
    // A hop that loses events 3 and 4 of the batches it carries.
    const { fetch } = recordingFetch((events) =>
      events.filter((e) => e.producerSeq !== 3 && e.producerSeq !== 4),
    );
    const client = createAuditClient({ url: live.url, token, fetch });
    const recorder = client.recorder({ producerId: 'lossy-hop' });
    for (let i = 0; i < 6; i++) recorder.record(event(i));
    expect((await recorder.close()).stored).toBe(4);

    live.app.setNow(new Date(t0 + 299_000));
    const early = await client.trpc.integrity.gaps.query({ producerId: 'lossy-hop' });
    expect(early).toMatchObject({ gaps: [], pending: 1, graceSeconds: 300 });

    live.app.setNow(new Date(t0 + 301_000));
    const late = await client.trpc.integrity.gaps.query({ producerId: 'lossy-hop' });
    expect(late.gaps).toEqual([
      {
        tenant: 'default',
        producerId: 'lossy-hop',
        firstMissing: 3,
        lastMissing: 4,
        count: 2,
        exact: true,
        since: new Date(t0).toISOString(),
        highSeq: 6,
        lastSeenAt: new Date(t0).toISOString(),
      },
    ]);
  });

  it('a refused event is a gap too: it never made it into the log', async () => {
    const recorder = direct.recorder({ producerId: 'refused-one' });
    recorder.record(event(0));
    recorder.record({ ...event(1), userIp: 'not-an-address' });
    recorder.record(event(2));
    await expect(recorder.close()).rejects.toThrow(/userIp/);
    expect(
      (await gapsOf('refused-one', 0)).gaps.map((g) => [g.firstMissing, g.lastMissing]),
    ).toEqual([[2, 2]]);
  });

  it('a reused producerId goes on from startSeq: no gap, no number counted twice', async () => {
    const first = direct.recorder({ producerId: 'billing-1' });
    for (let i = 0; i < 3; i++) first.record(event(i));
    await first.close();
    const saved = first.producer.lastSeq;
    expect(saved).toBe(3);

    // The restarted process.
    const second = direct.recorder({ producerId: 'billing-1', startSeq: saved + 1 });
    for (let i = 0; i < 2; i++) second.record(event(i));
    await second.close();
    expect(second.producer).toEqual({ id: 'billing-1', lastSeq: 5 });
    expect((await storedOf('billing-1')).map((e) => e.producerSeq)).toEqual([1, 2, 3, 4, 5]);
    expect((await gapsOf('billing-1', 0)).gaps).toEqual([]);

    expect(() => direct.recorder({ startSeq: 0 })).toThrow(RangeError);
    expect(() => direct.recorder({ startSeq: 1.5 })).toThrow(RangeError);
  });

  it('leaves an event that names its own producer as it is, and gives it no number', async () => {
    const recorder = direct.recorder({ producerId: 'mine' });
    recorder.record(event(0));
    const own = recorder.record({ ...event(1), producerId: 'relayed', producerSeq: 77 });
    recorder.record(event(2));
    await recorder.close();
    expect((await storedOf('mine')).map((e) => e.producerSeq)).toEqual([1, 2]);
    const [relayed] = await storedOf('relayed');
    expect([relayed?.eventId, relayed?.producerSeq]).toEqual([own.eventId, 77]);
  });

  it('takes no number for a call refused because the queue is full', async () => {
    const recorder = direct.recorder({ producerId: 'full-queue', maxBatch: 2, maxQueue: 2 });
    recorder.recordMany([event(0), event(1)]);
    expect(() => recorder.record(event(2))).toThrow(RecorderQueueFullError);
    expect(recorder.producer.lastSeq).toBe(2);
    await recorder.close();
    expect((await gapsOf('full-queue', 0)).gaps).toEqual([]);
  });
});
