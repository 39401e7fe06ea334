import { compactEventCounts, EVENT_STATUSES } from '@audit/db';
import { loadSeed } from '@audit/db/seed/load';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  expectAnswersMatch,
  expectCountsMatchEvents,
  scanEvents,
  type ScannedEvent,
} from '../testing/counts';
import { createTestApp, type Caller, type TestApp } from '../testing/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Around the start of March 2026: a month, day, hour and minute boundary, and US DST on the 8th. */
const ANCHOR = Date.parse('2026-03-01T00:00:00.000Z');
/** Offsets from the anchor that sit on or just beside the edges the counts are cut at. */
const EDGE_OFFSETS = [
  0,
  -1,
  1,
  -60_000,
  60_000 - 1,
  HOUR,
  HOUR - 1,
  -HOUR,
  DAY,
  DAY - 1,
  // Midnight in Asia/Kolkata (+05:30) and America/New_York (−05:00, then −04:00 after the 8th).
  -5.5 * HOUR,
  DAY - 5.5 * HOUR,
  5 * HOUR,
  8 * DAY + 4 * HOUR,
  8 * DAY + 7 * HOUR,
  // The month before.
  -20 * DAY - 1,
  -29 * DAY,
];
const TIME_ZONES = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Pacific/Chatham'];
const USERS = ['alice', 'bob', 'carol'];
const TASKS = ['tenant.create', 'site.provision', 'Login'];
const OBJECT_TYPES = [null, 'site', 'tenant'];
const APPLICATIONS = [null, 'REST', 'GUI'];

const offsetArb = fc.oneof(
  fc.constantFrom(...EDGE_OFFSETS),
  fc.integer({ min: -30 * DAY, max: 10 * DAY }),
);

const eventArb = fc.record({
  offset: offsetArb,
  tenant: fc.integer({ min: 0, max: 2 }),
  status: fc.constantFrom(...EVENT_STATUSES),
  userName: fc.constantFrom(...USERS),
  taskName: fc.constantFrom(...TASKS),
  objectType: fc.constantFrom(...OBJECT_TYPES),
  application: fc.constantFrom(...APPLICATIONS),
  /** Sent again in a later batch, as a retry would (same eventId and occurredAt). */
  retried: fc.boolean(),
});

const queryArb = fc.record({
  from: fc.option(offsetArb, { nil: undefined }),
  to: fc.option(offsetArb, { nil: undefined }),
  tenants: fc.subarray([0, 1, 2], { minLength: 1 }),
  statuses: fc.option(fc.subarray([...EVENT_STATUSES], { minLength: 1 }), { nil: undefined }),
  field: fc.option(
    fc.oneof(
      fc.record({
        name: fc.constant('userName' as const),
        values: fc.subarray(USERS, { minLength: 1 }),
      }),
      fc.record({
        name: fc.constant('taskName' as const),
        values: fc.subarray(TASKS, { minLength: 1 }),
      }),
      fc.record({
        name: fc.constant('objectType' as const),
        values: fc.subarray(['site', 'tenant'], { minLength: 1 }),
      }),
    ),
    { nil: undefined },
  ),
  timeZone: fc.constantFrom(...TIME_ZONES),
  buckets: fc.integer({ min: 1, max: 120 }),
});

describe('histogram and facets from the event counts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('equal a full scan for random events, retries, concurrent batches, tenants, edges and zones', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(queryArb, { minLength: 1, maxLength: 3 }),
        async (generated, batches, compactBetween, retryMeanwhile, queries) => {
          // Each run has tenants of its own, so runs do not see each other's events.
          run++;
          const tenants = [0, 1, 2].map((t) => `run${run}-t${t}`);
          const ingest: Caller[] = [];
          for (const tenant of tenants)
            ingest.push((await app.token(['ingest'], { tenant })).caller);
          const stored = generated.map((e) => ({
            ...e,
            eventId: crypto.randomUUID(),
            occurredAt: new Date(ANCHOR + e.offset).toISOString(),
          }));
          const toSend = (events: typeof stored) =>
            events.map(({ offset: _o, tenant: _t, retried: _r, ...event }) => event);

          const send = (events: typeof stored) =>
            tenants.flatMap((_, t) => {
              const mine = events.filter((e) => e.tenant === t);
              const size = Math.max(1, Math.ceil(mine.length / batches));
              const calls = [];
              for (let i = 0; i < mine.length; i += size) {
                const batch = toSend(mine.slice(i, i + size));
                calls.push(ingest[t]!.auditLogs.record({ events: batch }));
              }
              return calls;
            });
          const retries = stored.filter((e) => e.retried);
          if (retryMeanwhile) {
            // Every batch at once, the retries racing their originals.
            await Promise.all([...send(stored), ...send(retries)]);
          } else {
            await Promise.all(send(stored));
            if (compactBetween) await compactEventCounts(app.store.db);
            await Promise.all(send(retries));
          }

          const scanned = (await scanEvents(app)).filter((e) => tenants.includes(e.tenant));
          expect(scanned).toHaveLength(stored.length);
          for (const query of queries) {
            const from = query.from === undefined ? undefined : ANCHOR + query.from;
            const to = query.to === undefined ? undefined : ANCHOR + query.to;
            if (from !== undefined && to !== undefined && from > to) continue;
            const tenantList = query.tenants.map((t) => tenants[t]!);
            const matching = scanned.filter(
              (e) =>
                tenantList.includes(e.tenant) &&
                (from === undefined || e.at >= from) &&
                (to === undefined || e.at <= to) &&
                (!query.statuses || query.statuses.includes(e.status)) &&
                (!query.field ||
                  (query.field.values as (string | null)[]).includes(e[query.field.name])),
            );
            await expectAnswersMatch(
              app.admin,
              {
                tenant: tenantList,
                ...(from !== undefined ? { from } : {}),
                ...(to !== undefined ? { to } : {}),
                ...(query.statuses ? { status: query.statuses } : {}),
                ...(query.field ? { [query.field.name]: query.field.values } : {}),
              },
              matching,
              { timeZone: query.timeZone, buckets: query.buckets },
            );
          }
        },
      ),
      { numRuns: 25 },
    );
    await expectCountsMatchEvents(app);
  }, 600_000);

  it('answer a filter the counts do not hold from the events, exactly within the budget', async () => {
    const ingest = (await app.token(['ingest'], { tenant: 'free-text' })).caller;
    await ingest.auditLogs.record({
      events: Array.from({ length: 30 }, (_, i) => ({
        userName: USERS[i % 3] ?? 'alice',
        taskName: 'Login',
        status: i % 4 === 0 ? 'failure' : 'success',
        occurredAt: new Date(ANCHOR + i * 7 * 60_000).toISOString(),
        description: i % 2 ? 'disk full on node' : 'all good',
        userIp: `10.1.0.${i}`,
      })),
    });
    const scanned = (await scanEvents(app)).filter((e) => e.tenant === 'free-text');
    const diskFull = 15; // the odd ones of the 30
    for (const filter of [
      { tenant: 'free-text', q: '"disk full"' },
      { tenant: 'free-text', description: 'disk full' },
    ]) {
      const histogram = await app.admin.auditLogs.histogram({ filter });
      expect(histogram.basis).toEqual({
        exact: true,
        source: 'events',
        since: null,
        eventsRead: diskFull,
      });
      expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(diskFull);
    }
    // CIDR, a prefix, two fields at once: read from the events, exact.
    for (const filter of [
      { tenant: 'free-text', userIp: '10.1.0.0/24' },
      { tenant: 'free-text', taskName: 'Log*' },
      { tenant: 'free-text', userName: 'alice', taskName: 'Login' },
    ]) {
      const facets = await app.admin.auditLogs.facets({ filter, limit: 100 });
      expect(facets.basis).toMatchObject({ exact: true, source: 'events', since: null });
    }
    await expectAnswersMatch(
      app.admin,
      { tenant: 'free-text', userName: 'alice', taskName: 'Login' },
      scanned.filter((e) => e.userName === 'alice'),
    );
  });
});

describe('an approximate answer says so', () => {
  /** A small budget, so that a few thousand events exceed it. */
  const BUDGET = 100;
  let app: TestApp;
  let scanned: ScannedEvent[];
  beforeAll(async () => {
    app = await createTestApp({ eventsReadBudget: BUDGET });
    // About 80 events an hour over two days.
    await loadSeed(app.store, { events: 4000, days: 2, tenants: 1, end: new Date(), seed: 7 });
    scanned = await scanEvents(app);
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  it('a free-text search over more events than the budget counts the newest ones, and says since when', async () => {
    // Matches every event: nothing has the word.
    const filter = { q: '-zzzz' };
    const histogram = await app.admin.auditLogs.histogram({ filter });
    expect(histogram.basis).toMatchObject({ exact: false, source: 'events' });
    expect(histogram.basis.eventsRead).toBeLessThanOrEqual(BUDGET);
    const since = Date.parse(histogram.basis.since!);
    expect(since).toBeGreaterThan(Date.parse(histogram.from!));
    // Before `since` nothing is counted; a bucket wholly after it holds every one of its events.
    const starts = histogram.buckets.map((b) => Date.parse(b.start));
    histogram.buckets.forEach((bucket, i) => {
      const from = starts[i]!;
      const to = starts[i + 1] ?? Date.parse(histogram.to!) + 1;
      if (to <= since) expect(bucket.total).toBe(0);
      if (from >= since) {
        expect(bucket.total).toBe(scanned.filter((e) => e.at >= from && e.at < to).length);
      }
    });
    const facets = await app.admin.auditLogs.facets({ filter });
    expect(facets.basis).toMatchObject({ exact: false, source: 'events' });
    expect(Date.parse(facets.basis.since!)).toBe(since);
  });

  it('a rarer word is looked for over a longer stretch, still reading no more than the budget', async () => {
    const everything = await app.admin.auditLogs.histogram({ filter: { q: '-zzzz' } });
    const rarer = await app.admin.auditLogs.histogram({ filter: { q: 'alarm' } });
    expect(rarer.basis.source).toBe('events');
    expect(rarer.basis.eventsRead).toBeGreaterThan(0);
    expect(rarer.basis.eventsRead).toBeLessThanOrEqual(BUDGET);
    // About one event in twenty says "alarm": the planner's guess widens the window.
    expect(rarer.basis.exact ? 0 : Date.parse(rarer.basis.since!)).toBeLessThan(
      Date.parse(everything.basis.since!),
    );
  });

  it('range ends holding more events than the budget are estimated from their hours, and say so', async () => {
    const within = (a: number, b: number) => scanned.filter((e) => e.at >= a && e.at < b).length;
    // Two hours nine apart that hold more events than the budget together (the demo data
    // is busier by day), then from half past the first to half past the second.
    const times = scanned.map((e) => e.at);
    const last = Math.max(...times);
    let hour = Math.floor(Math.min(...times) / HOUR) * HOUR;
    while (within(hour, hour + HOUR) + within(hour + 9 * HOUR, hour + 10 * HOUR) <= BUDGET) {
      hour += HOUR;
      expect(hour).toBeLessThan(last);
    }
    const from = hour + HOUR / 2;
    const to = hour + 9 * HOUR + HOUR / 2 - 1;
    const facets = await app.admin.auditLogs.facets({ filter: { from, to }, fields: ['status'] });
    expect(facets.basis).toEqual({ exact: false, source: 'rollups', since: null, eventsRead: 0 });
    const total = facets.fields.status!.reduce((n, v) => n + v.count, 0);
    // More than the whole hours inside, fewer than the hours around.
    expect(total).toBeGreaterThanOrEqual(within(from + HOUR / 2, to + 1 - HOUR / 2));
    expect(total).toBeLessThanOrEqual(within(from - HOUR / 2, to + 1 + HOUR / 2));

    // On whole hours, nothing is left to estimate.
    const whole = { from: from - HOUR / 2, to: to + HOUR / 2 };
    const exact = await app.admin.auditLogs.facets({ filter: whole, fields: ['status'] });
    expect(exact.basis).toEqual({ exact: true, source: 'rollups', since: null, eventsRead: 0 });
    expect(exact.fields.status!.reduce((n, v) => n + v.count, 0)).toBe(
      within(whole.from, whole.to + 1),
    );
  });

  it('the histogram of the same range reads its sub-minute ends, exact', async () => {
    const histogram = await app.admin.auditLogs.histogram({ filter: {} });
    expect(histogram.basis).toMatchObject({ exact: true, source: 'rollups', since: null });
    expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(scanned.length);
  });
});
