import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import type { eventInputSchema } from '../schemas/audit-logs';
import {
  createTestApp,
  failure,
  serveTestApp,
  type Caller,
  type TestApp,
} from '../testing/harness';

type EventInput = z.input<typeof eventInputSchema>;

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

describe('integrity.gaps: producers’ sequence gaps', () => {
  let app: TestApp;
  let ingest: Caller;
  let auditor: Caller;
  let n = 0;

  beforeAll(async () => {
    app = await createTestApp({ now: at(0) });
    ingest = (await app.token(['ingest'])).caller;
    auditor = (await app.userWithRole('auditor')).caller;
  });
  afterAll(() => app.close());
  afterEach(() => {
    app.setNow(at(0));
  });

  /** A producer of its own for each test. */
  const producer = () => `producer-${++n}-${crypto.randomUUID().slice(0, 8)}`;

  function events(producerId: string, seqs: number[]): EventInput[] {
    return seqs.map((producerSeq) => ({
      eventId: crypto.randomUUID(),
      userName: 'svc',
      taskName: 'tenant.create',
      status: 'success',
      producerId,
      producerSeq,
    }));
  }

  async function send(producerId: string, seqs: number[], via: Caller = ingest) {
    return via.auditLogs.record({ events: events(producerId, seqs) });
  }

  /** The gaps of one producer, as [first, last, count]. */
  async function gapsOf(producerId: string, graceSeconds?: number) {
    const answer = await auditor.integrity.gaps({
      producerId,
      ...(graceSeconds === undefined ? {} : { graceSeconds }),
    });
    return {
      ranges: answer.gaps.map((g) => [g.firstMissing, g.lastMissing, g.count]),
      pending: answer.pending,
      answer,
    };
  }

  it('reports a hole once it has been open past the grace period (5 minutes by default), not before', async () => {
    const p = producer();
    await send(p, [1, 2, 4, 5]);

    app.setNow(at(299));
    const early = await gapsOf(p);
    expect(early.ranges).toEqual([]);
    expect(early.pending).toBe(1);
    expect(early.answer.graceSeconds).toBe(300);

    app.setNow(at(301));
    const late = await gapsOf(p);
    expect(late.pending).toBe(0);
    expect(late.answer).toEqual({
      gaps: [
        {
          tenant: 'default',
          producerId: p,
          firstMissing: 3,
          lastMissing: 3,
          count: 1,
          exact: true,
          since: iso(0),
          highSeq: 5,
          lastSeenAt: iso(0),
        },
      ],
      truncated: false,
      pending: 0,
      graceSeconds: 300,
      asOf: iso(301),
    });
    // A grace period of the caller's own.
    expect((await gapsOf(p, 400)).ranges).toEqual([]);
    expect((await gapsOf(p, 300)).ranges).toEqual([[3, 3, 1]]);
  });

  it('forgets a gap that a late arrival within the grace period closes', async () => {
    const p = producer();
    await send(p, [1, 2, 6]);
    app.setNow(at(120));
    await send(p, [3, 4, 5]);
    app.setNow(at(3600));
    expect(await gapsOf(p)).toMatchObject({ ranges: [], pending: 0 });
  });

  it('does not count reordering as a gap: later batches stored first', async () => {
    const p = producer();
    await send(p, [7, 8, 9]);
    await send(p, [4, 5, 6]);
    await send(p, [1, 2, 3]);
    app.setNow(at(3600));
    expect(await gapsOf(p)).toMatchObject({ ranges: [], pending: 0 });
  });

  it('splits a gap a late number falls inside; the rest stays open since the gap opened', async () => {
    const p = producer();
    await send(p, [1, 10]);
    app.setNow(at(60));
    await send(p, [5]);
    app.setNow(at(600));
    const { ranges, answer } = await gapsOf(p);
    expect(ranges).toEqual([
      [2, 4, 3],
      [6, 9, 4],
    ]);
    expect(answer.gaps.map((g) => [g.since, g.highSeq, g.lastSeenAt])).toEqual([
      [iso(0), 10, iso(60)],
      [iso(0), 10, iso(60)],
    ]);
  });

  it('changes nothing for a retry: the same event again, seen or not', async () => {
    const p = producer();
    const batch = events(p, [1, 3]);
    await ingest.auditLogs.record({ events: batch });
    const retry = await ingest.auditLogs.record({ events: batch });
    expect(retry.duplicates).toBe(2);
    app.setNow(at(600));
    expect((await gapsOf(p)).ranges).toEqual([[2, 2, 1]]);
  });

  it('does not turn purged events into gaps', async () => {
    const p = producer();
    const old = events(p, [1, 2, 3]).map((e) => ({ ...e, occurredAt: T0 - 86_400_000 }));
    await ingest.auditLogs.record({ events: old });
    await app.admin.purge.create({
      before: new Date(T0 - 3_600_000).toISOString(),
      filter: { producerId: p },
      archive: false,
    });
    await app.runJobs();
    expect((await app.admin.auditLogs.list({ filter: { producerId: p } })).items).toEqual([]);
    await send(p, [4]);
    app.setNow(at(3600));
    expect((await gapsOf(p)).ranges).toEqual([]);
  });

  it('keeps producers apart by tenant; a token sees only its own tenant’s', async () => {
    const p = producer();
    const acme = await app.token(['ingest'], { tenant: 'acme' });
    await send(p, [1, 3], acme.caller);
    await send(p, [1, 2, 4]);
    app.setNow(at(600));

    const all = await auditor.integrity.gaps({ producerId: p });
    expect(all.gaps.map((g) => [g.tenant, g.firstMissing])).toEqual([
      ['acme', 2],
      ['default', 3],
    ]);
    const one = await auditor.integrity.gaps({ producerId: p, tenant: 'acme' });
    expect(one.gaps.map((g) => [g.tenant, g.firstMissing])).toEqual([['acme', 2]]);

    const reader = await app.token(['read'], { tenant: 'acme' });
    const own = await reader.caller.integrity.gaps({ producerId: p });
    expect(own.gaps.map((g) => g.tenant)).toEqual(['acme']);
    const other = await reader.caller.integrity.gaps({ producerId: p, tenant: 'default' });
    expect(other.gaps).toEqual([]);
  });

  it('bounds the answer: at most `limit` gaps, saying when there are more', async () => {
    const p = producer();
    await send(p, [2, 4, 6, 8]);
    app.setNow(at(600));
    const page = await auditor.integrity.gaps({ producerId: p, limit: 3 });
    expect(page.gaps.map((g) => g.firstMissing)).toEqual([1, 3, 5]);
    expect(page.truncated).toBe(true);
    expect((await auditor.integrity.gaps({ producerId: p, limit: 4 })).truncated).toBe(false);
  });

  it('is for readers: not for an ingest token', async () => {
    const error = await failure(ingest.integrity.gaps({}));
    expect(error.code).toBe('FORBIDDEN');
  });

  it('refuses a bad grace period or limit, naming it', async () => {
    for (const [input, field] of [
      [{ graceSeconds: -1 }, 'graceSeconds'],
      [{ graceSeconds: 1.5 }, 'graceSeconds'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 5000 }, 'limit'],
    ] as const) {
      const error = await failure(auditor.integrity.gaps(input));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(new RegExp(`^${field}: `));
    }
  });
});

describe('producerId and producerSeq on events', () => {
  let app: TestApp;
  let ingest: Caller;
  beforeAll(async () => {
    app = await createTestApp({ now: at(0) });
    ingest = (await app.token(['ingest'])).caller;
  });
  afterAll(() => app.close());

  const base = { userName: 'svc', taskName: 'tenant.create', status: 'success' } as const;

  it('refuses a producerSeq without a producerId, naming the field', async () => {
    const error = await failure(
      ingest.auditLogs.record({ events: [base, { ...base, producerSeq: 7 }] }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^events\.1\.producerSeq: needs a producerId/);
    expect((await app.admin.auditLogs.list({})).items.map((e) => e.taskName)).not.toContain(
      'tenant.create',
    );
  });

  it('refuses a producerSeq that is not a whole number from 0 to 2^53 − 1, and a long producerId', async () => {
    for (const [event, pattern] of [
      [{ producerId: 'p', producerSeq: -1 }, /^events\.0\.producerSeq: must not be negative/],
      [{ producerId: 'p', producerSeq: 1.5 }, /^events\.0\.producerSeq: must be a whole number/],
      [{ producerId: 'p', producerSeq: 2 ** 53 }, /^events\.0\.producerSeq: /],
      [{ producerId: 'p', producerSeq: '3' }, /^events\.0\.producerSeq: /],
      [{ producerId: 'x'.repeat(201), producerSeq: 1 }, /^events\.0\.producerId: /],
    ] as const) {
      const error = await failure(
        ingest.auditLogs.record({ events: [{ ...base, ...event } as EventInput] }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(pattern);
    }
  });

  it('stores both with the event, returns them, and finds by them in the search box', async () => {
    const largest = Number.MAX_SAFE_INTEGER;
    const { events } = await ingest.auditLogs.record({
      events: [
        { ...base, producerId: 'billing-1', producerSeq: 0 },
        { ...base, producerId: 'billing-1', producerSeq: largest },
        { ...base, producerId: 'billing-2' },
        base,
      ],
    });
    const stored = await Promise.all(
      events.map((e) => app.admin.auditLogs.byId({ id: e.id, occurredAt: e.occurredAt })),
    );
    expect(stored.map((e) => [e.producerId, e.producerSeq])).toEqual([
      ['billing-1', 0],
      ['billing-1', largest],
      ['billing-2', null],
      [null, null],
    ]);
    const found = await app.admin.auditLogs.list({
      filter: { q: `producer:billing-1 seq:${largest}` },
    });
    expect(found.items.map((e) => e.id)).toEqual([events[1]?.id]);
    const compared = await app.admin.auditLogs.list({
      filter: { where: { field: 'producerSeq', op: 'ge', value: '1' } },
    });
    expect(compared.items.map((e) => e.id)).toEqual([events[1]?.id]);
  });

  it('an event sent again under another producer and number is a duplicate, not a conflict, and its number arrived', async () => {
    const eventId = crypto.randomUUID();
    await ingest.auditLogs.record({
      events: [{ ...base, eventId, producerId: 'old-process', producerSeq: 41 }],
    });
    // The new process sends it again as its number 2, between two events of its own.
    const again = await ingest.auditLogs.record({
      events: [
        { ...base, producerId: 'new-process', producerSeq: 1 },
        { ...base, eventId, producerId: 'new-process', producerSeq: 2 },
        { ...base, producerId: 'new-process', producerSeq: 3 },
      ],
    });
    expect(again.events.map((e) => e.outcome)).toEqual(['created', 'duplicate', 'created']);
    const [kept] = (await app.admin.auditLogs.list({ filter: { eventId } })).items;
    expect([kept?.producerId, kept?.producerSeq]).toEqual(['old-process', 41]);
    // Number 2 did arrive: no gap there.
    const gaps = await app.admin.integrity.gaps({ producerId: 'new-process', graceSeconds: 0 });
    expect(gaps).toMatchObject({ gaps: [], pending: 0 });
  });
});

describe('GET /api/v1/integrity/gaps', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({ now: at(0) });
    ({ server, base } = await serveTestApp(app));
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('answers the gaps, its query parameters converted by the procedure’s schema', async () => {
    const ingest = await app.token(['ingest']);
    const reader = await app.token(['read']);
    await ingest.caller.auditLogs.record({
      events: [1, 4].map((producerSeq) => ({
        userName: 'svc',
        taskName: 't',
        status: 'success' as const,
        producerId: 'rest-producer',
        producerSeq,
      })),
    });
    const get = async (query: string) => {
      const response = await fetch(`${base}/api/v1/integrity/gaps?${query}`, {
        headers: { authorization: `Bearer ${reader.secret}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const now = await get('producerId=rest-producer&graceSeconds=0');
    expect(now.status).toBe(200);
    expect(now.body.gaps).toMatchObject([
      { producerId: 'rest-producer', firstMissing: 2, lastMissing: 3, count: 2, highSeq: 4 },
    ]);
    const withGrace = await get('producerId=rest-producer');
    expect(withGrace.body).toMatchObject({ gaps: [], pending: 1, graceSeconds: 300 });
    const bad = await get('graceSeconds=soon');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('graceSeconds');
  });
});
