import { BlockList, isIPv4 } from 'node:net';

import { EVENT_STATUSES } from '@audit/db';
import { generateSeed } from '@audit/db/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type Caller, type TestApp } from '../testing/harness';
import type { eventInputSchema } from '../schemas/audit-logs';
import { JUNOS_SPACE_SAMPLES, SDN_SAMPLES } from '../testing/seed-samples';
import type { z } from 'zod';

type EventInput = z.input<typeof eventInputSchema>;
type ListInput = Parameters<Caller['auditLogs']['list']>[0];
type ListedEvent = Awaited<ReturnType<Caller['auditLogs']['list']>>['items'][number];

/** Every page of a list, following nextCursor. */
async function listAll(
  caller: Caller,
  input: Omit<NonNullable<ListInput>, 'cursor'>,
): Promise<ListedEvent[]> {
  const items: ListedEvent[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await caller.auditLogs.list({ ...input, ...(cursor ? { cursor } : {}) });
    items.push(...result.items);
    if (!result.nextCursor) return items;
    cursor = result.nextCursor;
  }
  throw new Error('too many pages');
}

describe('auditLogs: the reference samples', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('records seeds 002 and 004 and reads back every field from list and byId', async () => {
    const ingest = await app.token(['ingest'], { systemId: 'junos-space' });
    const recorded = await ingest.caller.auditLogs.record({
      events: [...JUNOS_SPACE_SAMPLES, ...SDN_SAMPLES],
    });
    expect(recorded).toMatchObject({ stored: 9, duplicates: 0 });

    const listed = await app.admin.auditLogs.list({
      filter: { userName: ['super', 'sdn'] },
      sort: { field: 'occurredAt', direction: 'asc' },
    });
    expect(listed.total).toBe(9);
    expect(listed.totalIsEstimate).toBe(false);
    const [discover, login, discover2] = listed.items;
    expect(login).toMatchObject({
      userName: 'super',
      userIp: '172.16.100.2',
      description: 'Login Succeeded',
      occurredAt: '2011-08-29T04:46:18.000Z',
      application: 'REST',
      taskName: 'Login',
      status: 'success',
      systemId: 'junos-space', // from the token
      tenant: 'default',
      metadata: { key: '262840' },
      affectedObjects: [],
      changes: null,
    });
    expect(discover).toMatchObject({
      resultCode: '202',
      jobId: '196608',
      status: 'job_scheduled',
      occurredAt: '2011-08-29T04:42:27.000Z',
    });
    expect(discover2).toMatchObject({ resultCode: '200', status: 'success' });
    expect(
      listed.items
        .slice(3)
        .map((e) => [e.eventId, e.occurredAt, e.taskName, e.description, e.systemId]),
    ).toEqual(
      SDN_SAMPLES.map((s) => [
        s.eventId,
        s.occurredAt,
        s.taskName,
        s.description,
        'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      ]),
    );

    for (const item of listed.items) {
      const detail = await app.admin.auditLogs.byId({ id: item.id, occurredAt: item.occurredAt });
      expect(detail).toEqual({ ...item, job: null });
      expect(await app.admin.auditLogs.byId({ id: item.id })).toEqual(detail);
    }
  });

  it('keeps affected objects, configuration changes and metadata intact', async () => {
    const ingest = await app.token(['ingest']);
    const event: EventInput = {
      userName: 'jdoe',
      occurredAt: 1539707873000, // epoch ms, as the CA portal takes them
      taskName: 'Modify Device Configuration',
      status: 'success',
      objectType: 'device',
      objectName: 'srx-branch-014',
      affectedObjects: [
        { type: 'device', name: 'srx-branch-014', id: '131089', detail: 'host-name changed' },
        { type: 'interface', name: 'ge-0/0/0' },
      ],
      changes: {
        format: 'text',
        before: 'set system host-name old\n',
        after: 'set system host-name new\n',
      },
      metadata: { requestId: 'r-1', nested: { list: [1, 'two', null], flag: true } },
    };
    const [stored] = (await ingest.caller.auditLogs.record({ events: [event] })).events;
    const detail = await app.admin.auditLogs.byId({ id: stored?.id ?? '' });
    expect(detail).toMatchObject({
      occurredAt: '2018-10-16T16:37:53.000Z',
      affectedObjects: event.affectedObjects,
      changes: event.changes,
      metadata: event.metadata,
    });
  });
});

describe('auditLogs.record', () => {
  let app: TestApp;
  let ingest: Caller;
  beforeAll(async () => {
    app = await createTestApp();
    ingest = (await app.token(['ingest'])).caller;
  });
  afterAll(() => app.close());

  const base: EventInput = {
    userName: 'alice',
    taskName: 'tenant.create',
    status: 'success',
    occurredAt: '2026-03-01T10:00:00.000Z',
  };

  it('stores a retried event once and reports it as a duplicate with the same id', async () => {
    const event = { ...base, eventId: '5f0c6a52-3d1e-4a55-9d59-0c6c2f9a1e01' };
    const first = await ingest.auditLogs.record({ events: [event] });
    const retry = await ingest.auditLogs.record({ events: [event, event] });
    expect(first).toMatchObject({ stored: 1, duplicates: 0 });
    expect(retry).toMatchObject({ stored: 0, duplicates: 2 });
    expect(retry.events.map((e) => e.id)).toEqual([first.events[0]?.id, first.events[0]?.id]);
    const listed = await app.admin.auditLogs.list({ filter: { eventId: event.eventId } });
    expect(listed.total).toBe(1);
  });

  it('regression: 1 000 events re-posted with the same eventIds and no occurredAt were stored twice', async () => {
    const { occurredAt: _given, ...untimed } = base;
    const events = Array.from({ length: 1000 }, (_, i) => ({
      ...untimed,
      userName: `untimed-${i % 7}`,
      eventId: crypto.randomUUID(),
    }));
    app.setNow(new Date('2026-11-30T23:59:59.000Z'));
    const first = await ingest.auditLogs.record({ events });
    app.setNow(new Date('2027-01-10T08:00:00.000Z')); // the retry's time: another partition
    const retry = await ingest.auditLogs.record({ events });
    app.setNow(undefined);
    expect(first).toMatchObject({ stored: 1000, duplicates: 0, conflicts: 0 });
    expect(retry).toMatchObject({ stored: 0, duplicates: 1000, conflicts: 0 });
    expect(retry.events.map((e) => [e.id, e.occurredAt])).toEqual(
      first.events.map((e) => [e.id, e.occurredAt]),
    );
    const listed = await app.admin.auditLogs.list({
      filter: { eventId: events.slice(0, 50).map((e) => e.eventId) },
      limit: 100,
    });
    expect(listed.total).toBe(50);
  });

  it('reports an eventId reused with another time or other content as a conflict, keeping the first', async () => {
    const event = { ...base, eventId: '6a1d2c3b-4e5f-4061-8a7b-9c0d1e2f3a4b' };
    const first = await ingest.auditLogs.record({ events: [event] });
    const reused = await ingest.auditLogs.record({
      events: [
        { ...event, occurredAt: '2026-03-01T10:00:00.001Z' },
        { ...event, status: 'failure' },
        event,
      ],
    });
    expect(reused).toMatchObject({ stored: 0, duplicates: 1, conflicts: 2 });
    expect(reused.events.map((e) => e.outcome)).toEqual(['conflict', 'conflict', 'duplicate']);
    expect(new Set(reused.events.map((e) => e.id))).toEqual(new Set([first.events[0]?.id]));
    const [stored] = (await app.admin.auditLogs.list({ filter: { eventId: event.eventId } })).items;
    expect(stored).toMatchObject({ status: 'success', occurredAt: event.occurredAt });
  });

  it('refuses a batch of 1 001 with a clear message, storing nothing', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({ ...base, userName: `bulk-${i}` }));
    await expect(ingest.auditLogs.record({ events })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'events: at most 1000 events per call; split the batch',
    });
    expect((await app.admin.auditLogs.list({ filter: { userName: 'bulk-0' } })).total).toBe(0);
    const ok = await ingest.auditLogs.record({ events: events.slice(0, 1000) });
    expect(ok.stored).toBe(1000);
  });

  it('names the field path of every invalid value and stores none of the batch', async () => {
    const events: unknown[] = [
      { ...base, userName: 'valid-one' },
      { ...base, userIp: '300.1.1.1' },
      { ...base, status: 'done' },
      { ...base, occurredAt: '2026-03-01 10:00' },
      { ...base, changes: { format: 'text', before: { not: 'a string' } } },
      { ...base, colour: 'blue' },
    ];
    const error: unknown = await ingest.auditLogs
      .record({ events: events as EventInput[] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    const message = (error as Error).message;
    for (const path of [
      'events.1.userIp',
      'events.2.status',
      'events.3.occurredAt',
      'events.4.changes',
      'events.5',
    ]) {
      expect(message).toContain(path);
    }
    expect(message).toContain('colour');
    expect((await app.admin.auditLogs.list({ filter: { userName: 'valid-one' } })).total).toBe(0);
  });

  it('defaults occurredAt to the server clock and accepts the epoch-ms and offset forms', async () => {
    app.setNow(new Date('2026-04-05T06:07:08.009Z'));
    try {
      const result = await ingest.auditLogs.record({
        events: [
          { ...base, occurredAt: undefined, userName: 'clock' },
          { ...base, occurredAt: Date.UTC(2026, 3, 1), userName: 'epoch' },
          { ...base, occurredAt: '2026-04-01T02:00:00+02:00', userName: 'offset' },
        ],
      });
      expect(result.events.map((e) => e.occurredAt)).toEqual([
        '2026-04-05T06:07:08.009Z',
        '2026-04-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
      ]);
    } finally {
      app.setNow(undefined);
    }
  });
});

// ------------------------------------------------------------------------------------------
// Filters, sorts and paging over a few hundred generated events, checked against a plain
// JavaScript reference over the same inputs.

interface Reference {
  eventId: string;
  id: string;
  input: EventInput & { occurredAt: string };
}

const SORT_FIELDS = [
  'occurredAt',
  'recordedAt',
  'id',
  'eventId',
  'tenant',
  'userName',
  'userIp',
  'userAgent',
  'domain',
  'application',
  'workspace',
  'systemId',
  'taskName',
  'objectType',
  'objectName',
  'status',
  'resultCode',
  'description',
  'jobId',
] as const;
type SortField = (typeof SORT_FIELDS)[number];

function inetBytes(ip: string): number[] {
  if (isIPv4(ip)) return [4, ...ip.split('.').map(Number)];
  const [head = '', tail = ''] = ip.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = [
    ...parts(head),
    ...Array<string>(8 - parts(head).length - parts(tail).length).fill('0'),
    ...parts(tail),
  ];
  return [6, ...groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255])];
}

/** PostgreSQL's order for the column's type. */
function compareValues(field: SortField, a: string, b: string): number {
  switch (field) {
    case 'id':
    case 'jobId':
      return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    case 'status':
      return EVENT_STATUSES.indexOf(a as never) - EVENT_STATUSES.indexOf(b as never);
    case 'userIp': {
      const [x, y] = [inetBytes(a), inetBytes(b)];
      for (let i = 0; i < Math.min(x.length, y.length); i++)
        if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return x.length - y.length;
    }
    case 'occurredAt':
    case 'recordedAt':
      return Date.parse(a) - Date.parse(b);
    default:
      return Buffer.compare(Buffer.from(a), Buffer.from(b)); // COLLATE "C"
  }
}

function referenceOrder(
  rows: ListedEvent[],
  field: SortField,
  direction: 'asc' | 'desc',
): string[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const va = a[field];
      const vb = b[field];
      if (field !== 'occurredAt') {
        if (va === null && vb !== null) return direction === 'asc' ? 1 : -1; // NULLS LAST asc, FIRST desc
        if (vb === null && va !== null) return direction === 'asc' ? -1 : 1;
        if (va !== null && vb !== null) {
          const c = compareValues(field, va, vb);
          if (c !== 0) return sign * c;
        }
      }
      return (
        sign *
        (Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
          compareValues('eventId', a.eventId, b.eventId))
      );
    })
    .map((e) => e.eventId);
}

describe('auditLogs.list over generated events', () => {
  let app: TestApp;
  let reader: Caller;
  let reference: Reference[];
  let all: ListedEvent[];
  const end = new Date('2026-05-20T00:00:00.000Z');

  beforeAll(async () => {
    app = await createTestApp();
    // Its own tenant: the tokens see only these events, not the service's own audit trail.
    const ingest = await app.token(['ingest'], { tenant: 'generated' });
    reader = (await app.token(['read'], { tenant: 'generated' })).caller;
    const inputs: Reference['input'][] = [];
    for (const chunk of generateSeed({ events: 320, days: 40, tenants: 1, end, seed: 11 }, 320)) {
      for (const { jobIndex, occurredAt, tenant: _tenant, ...event } of chunk.events) {
        inputs.push({
          ...event,
          occurredAt: occurredAt.toISOString(),
          jobId: jobIndex === null ? null : String(196_608 + jobIndex * 7),
        });
      }
    }
    // Two events in the same millisecond: the keyset tie-break (eventId) must order them.
    inputs.push({
      ...inputs[5]!,
      eventId: undefined,
      occurredAt: inputs[5]!.occurredAt,
    });
    const stored = await ingest.caller.auditLogs.record({ events: inputs });
    reference = stored.events.map((s, i) => ({ eventId: s.eventId, id: s.id, input: inputs[i]! }));
    all = await listAll(reader, { limit: 2000 });
  });
  afterAll(() => app.close());

  const expectSame = async (
    filter: NonNullable<ListInput>['filter'],
    predicate: (r: ListedEvent) => boolean,
  ) => {
    const expected = all
      .filter(predicate)
      .map((e) => e.eventId)
      .sort();
    const actual = (await listAll(reader, { filter, limit: 2000 })).map((e) => e.eventId).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(actual).toEqual(expected);
  };

  it('lists every recorded event, newest first, with an exact total', async () => {
    expect(all).toHaveLength(reference.length);
    expect(all.map((e) => e.eventId)).toEqual(referenceOrder(all, 'occurredAt', 'desc'));
    const first = await reader.auditLogs.list({});
    expect(first.items).toHaveLength(50);
    expect(first).toMatchObject({
      total: reference.length,
      totalIsEstimate: false,
      prevCursor: null,
    });
  });

  it('filters on exact values and on several values of each field', async () => {
    const sample = all[17]!;
    for (const field of [
      'userName',
      'application',
      'domain',
      'workspace',
      'systemId',
      'objectType',
      'resultCode',
      'userAgent',
    ] as const) {
      const values = [
        ...new Set(all.map((e) => e[field]).filter((v): v is string => v !== null)),
      ].slice(0, 2);
      if (values.length === 0) continue;
      await expectSame({ [field]: values[0] }, (e) => e[field] === values[0]);
      if (values.length > 1)
        await expectSame({ [field]: values }, (e) => values.includes(e[field] as string));
    }
    await expectSame(
      { status: ['failure', 'job_scheduled'] },
      (e) => e.status === 'failure' || e.status === 'job_scheduled',
    );
    await expectSame(
      { jobId: all.find((e) => e.jobId)?.jobId ?? '0' },
      (e) => e.jobId === all.find((x) => x.jobId)?.jobId,
    );
    await expectSame({ eventId: [sample.eventId] }, (e) => e.eventId === sample.eventId);
  });

  it('matches taskName and objectName by prefix', async () => {
    const task = all.find((e) => e.taskName.includes('.'))!.taskName;
    const prefix = task.slice(0, task.indexOf('.') + 1);
    await expectSame({ taskName: `${prefix}*` }, (e) => e.taskName.startsWith(prefix));
    const object = all.find((e) => e.objectName && e.objectName.length > 4)!.objectName!;
    await expectSame(
      { objectName: [`${object.slice(0, 4)}*`, 'no-such-object'] },
      (e) => e.objectName?.startsWith(object.slice(0, 4)) ?? false,
    );
    // A literal % or _ in a prefix is matched literally.
    expect((await reader.auditLogs.list({ filter: { taskName: '%*' } })).total).toBe(0);
  });

  it('matches userIp exactly and by IPv4 and IPv6 CIDR', async () => {
    const ip = all.find((e) => e.userIp && isIPv4(e.userIp))!.userIp!;
    await expectSame({ userIp: ip }, (e) => e.userIp === ip);
    for (const [cidr, prefix, family] of [
      ['172.16.0.0/12', 12, 'ipv4'],
      ['10.0.0.0/8', 8, 'ipv4'],
    ] as const) {
      const blocks = new BlockList();
      blocks.addSubnet(cidr.split('/')[0]!, prefix, family);
      await expectSame(
        { userIp: cidr },
        (e) => e.userIp !== null && isIPv4(e.userIp) && blocks.check(e.userIp, 'ipv4'),
      );
    }
    const v6 = all.find((e) => e.userIp?.includes(':'))?.userIp;
    expect(v6).toBeDefined();
    const v6Net = `${inetBytes(v6!)
      .slice(1, 5)
      .reduce<string[]>(
        (groups, byte, i) =>
          i % 2
            ? [...groups.slice(0, -1), `${groups.at(-1)}${byte.toString(16).padStart(2, '0')}`]
            : [...groups, byte.toString(16).padStart(2, '0')],
        [],
      )
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/32`;
    await expectSame(
      { userIp: v6Net },
      (e) =>
        e.userIp !== null &&
        e.userIp.includes(':') &&
        inetBytes(e.userIp).slice(1, 5).join() === inetBytes(v6!).slice(1, 5).join(),
    );
  });

  it('includes both time bounds to the millisecond, given as ISO with offset or epoch ms', async () => {
    const target = all[40]!;
    const at = Date.parse(target.occurredAt);
    const same = all
      .filter((e) => Date.parse(e.occurredAt) === at)
      .map((e) => e.eventId)
      .sort();
    const withBounds = async (from: string | number, to: string | number) =>
      (await listAll(reader, { filter: { from, to }, limit: 2000 })).map((e) => e.eventId).sort();
    expect(await withBounds(target.occurredAt, target.occurredAt)).toEqual(same);
    expect(await withBounds(at, at)).toEqual(same);
    expect(await withBounds(String(at), String(at))).toEqual(same);
    const inKolkata = new Date(at + 5.5 * 3_600_000).toISOString().replace('Z', '+05:30');
    expect(await withBounds(inKolkata, inKolkata)).toEqual(same);
    expect(await withBounds(at + 1, at + 1_000_000_000)).not.toContain(target.eventId);
    expect(await withBounds(0, at - 1)).not.toContain(target.eventId);

    const from = Date.parse(all[120]!.occurredAt);
    const to = Date.parse(all[30]!.occurredAt);
    await expectSame(
      { from, to },
      (e) => Date.parse(e.occurredAt) >= from && Date.parse(e.occurredAt) <= to,
    );
    await expect(reader.auditLogs.list({ filter: { from: to, to: from } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('from must not be after to'),
    });
    await expect(
      reader.auditLogs.list({ filter: { from: '2026-05-01T00:00:00' } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('filter.from'),
    });
  });

  it('searches descriptions as full text, with phrases and exclusions', async () => {
    const ingest = (await app.token(['ingest'], { tenant: 'fts' })).caller;
    const occurredAt = '2020-01-01T00:00:00.000Z';
    await ingest.auditLogs.record({
      events: [
        {
          userName: 'fts',
          taskName: 'fts',
          status: 'failure',
          occurredAt,
          description: 'disk full on /var/log',
        },
        {
          userName: 'fts',
          taskName: 'fts',
          status: 'failure',
          occurredAt,
          description: 'full backup of disk 2 completed',
        },
      ],
    });
    const descriptions = async (description: string) =>
      (await app.admin.auditLogs.list({ filter: { tenant: 'fts', description } })).items
        .map((e) => e.description)
        .sort();
    expect(await descriptions('disk full')).toEqual([
      'disk full on /var/log',
      'full backup of disk 2 completed',
    ]);
    expect(await descriptions('"disk full"')).toEqual(['disk full on /var/log']);
    expect(await descriptions('disk -backup')).toEqual(['disk full on /var/log']);
    expect(await descriptions('Backup')).toEqual(['full backup of disk 2 completed']);
  });

  it('applies the search box together with the structured filter', async () => {
    const failing = all.find((e) => e.status === 'failure')!;
    await expectSame(
      { q: `user:${failing.userName} status:failure` },
      (e) => e.userName === failing.userName && e.status === 'failure',
    );
    await expectSame(
      { q: `status:failure`, userName: failing.userName },
      (e) => e.userName === failing.userName && e.status === 'failure',
    );
    await expect(
      reader.auditLogs.list({ filter: { q: 'status:failure usr:x' } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^q: at 16: unknown field "usr"/),
    });
  });

  it('sorts by every sortable column, both ways, with NULLs last ascending', async () => {
    for (const field of SORT_FIELDS) {
      for (const direction of ['asc', 'desc'] as const) {
        const sorted = await listAll(reader, {
          sort: { field, direction },
          limit: 2000,
          withTotal: false,
        });
        expect(
          sorted.map((e) => e.eventId),
          `${field} ${direction}`,
        ).toEqual(referenceOrder(all, field, direction));
      }
    }
  });

  it('pages forward and back with cursors: no duplicates, no gaps', async () => {
    for (const sort of [
      { field: 'occurredAt', direction: 'desc' },
      { field: 'userName', direction: 'asc' },
      { field: 'objectName', direction: 'asc' },
      { field: 'userIp', direction: 'desc' },
      { field: 'jobId', direction: 'asc' },
    ] as const) {
      const expected = referenceOrder(all, sort.field, sort.direction);
      const forward: string[] = [];
      let page = await reader.auditLogs.list({ sort, limit: 7, withTotal: false });
      const pages = [page];
      forward.push(...page.items.map((e) => e.eventId));
      while (page.nextCursor) {
        page = await reader.auditLogs.list({
          sort,
          limit: 7,
          cursor: page.nextCursor,
          withTotal: false,
        });
        pages.push(page);
        forward.push(...page.items.map((e) => e.eventId));
      }
      expect(forward, `${sort.field} forward`).toEqual(expected);

      // And back from the last page to the first, through prevCursor.
      const backward: string[][] = [page.items.map((e) => e.eventId)];
      while (page.prevCursor) {
        page = await reader.auditLogs.list({
          sort,
          limit: 7,
          cursor: page.prevCursor,
          withTotal: false,
        });
        backward.unshift(page.items.map((e) => e.eventId));
      }
      expect(backward.flat(), `${sort.field} backward`).toEqual(expected);
      expect(backward[0]).toEqual(pages[0]?.items.map((e) => e.eventId));
    }
  });

  it('skips by offset in every sort order (NULLs included), then pages on by cursor', async () => {
    for (const sort of [
      { field: 'occurredAt', direction: 'desc' },
      { field: 'objectName', direction: 'asc' },
      { field: 'jobId', direction: 'desc' },
      { field: 'userIp', direction: 'asc' },
    ] as const) {
      const expected = referenceOrder(all, sort.field, sort.direction);
      for (const offset of [1, 13, expected.length - 3]) {
        const page = await reader.auditLogs.list({ sort, limit: 5, offset, withTotal: false });
        expect(
          page.items.map((e) => e.eventId),
          `${sort.field} +${offset}`,
        ).toEqual(expected.slice(offset, offset + 5));
        expect(page.prevCursor).not.toBeNull();
        if (page.nextCursor) {
          const next = await reader.auditLogs.list({
            sort,
            limit: 5,
            cursor: page.nextCursor,
            withTotal: false,
          });
          expect(next.items.map((e) => e.eventId)).toEqual(expected.slice(offset + 5, offset + 10));
        }
      }
    }
    const past = await reader.auditLogs.list({ offset: all.length + 10 });
    expect(past).toMatchObject({ items: [], nextCursor: null, total: all.length });
    await expect(reader.auditLogs.list({ offset: 100_001 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('offset: must be at most 100000'),
    });
    const first = await reader.auditLogs.list({ limit: 5 });
    await expect(
      reader.auditLogs.list({ offset: 5, cursor: first.nextCursor! }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('not both') });
  });

  it('refuses a cursor from another sort, a forged cursor and a limit out of range', async () => {
    const page = await reader.auditLogs.list({ limit: 5 });
    await expect(
      reader.auditLogs.list({
        cursor: page.nextCursor!,
        sort: { field: 'userName', direction: 'asc' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('different sort'),
    });
    await expect(reader.auditLogs.list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('cursor'),
    });
    await expect(reader.auditLogs.list({ limit: 2001 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('limit: must be at most 2000'),
    });
    await expect(reader.auditLogs.list({ limit: 0 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect((await reader.auditLogs.list({ limit: 2000 })).items.length).toBeGreaterThan(300);
  });

  it('counts per bucket and status in the histogram, matching the list', async () => {
    const from = '2026-04-20T00:00:00.000Z';
    const to = '2026-05-19T23:59:59.999Z';
    const histogram = await reader.auditLogs.histogram({
      filter: { from, to, userName: 'super' },
      buckets: 40,
    });
    expect(histogram.bucket).toBe(86_400_000);
    const inRange = all.filter(
      (e) => e.userName === 'super' && e.occurredAt >= from && e.occurredAt <= to,
    );
    expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(inRange.length);
    for (const bucket of histogram.buckets) {
      const startMs = Date.parse(bucket.start);
      const members = inRange.filter(
        (e) =>
          Date.parse(e.occurredAt) >= startMs && Date.parse(e.occurredAt) < startMs + 86_400_000,
      );
      expect(bucket.total).toBe(members.length);
      expect(bucket.byStatus.failure).toBe(members.filter((e) => e.status === 'failure').length);
    }
    const hourly = await reader.auditLogs.histogram({
      filter: { from: '2026-05-18T00:00:00Z', to: '2026-05-19T00:00:00Z' },
    });
    expect(hourly.bucket).toBe(30 * 60_000);
  });

  it('aligns day buckets to midnight in the asked time zone', async () => {
    const histogram = await reader.auditLogs.histogram({
      filter: { from: '2026-05-01T00:00:00Z', to: '2026-05-19T00:00:00Z' },
      buckets: 20,
      timeZone: 'Asia/Tokyo',
    });
    expect(histogram.bucket).toBe(86_400_000);
    for (const bucket of histogram.buckets)
      expect(bucket.start.endsWith('T15:00:00.000Z')).toBe(true);
    await expect(reader.auditLogs.histogram({ timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('timeZone'),
    });
  });

  it('gives the top values of each facet under the filter', async () => {
    const { fields: facets, basis } = await reader.auditLogs.facets({
      filter: { status: 'failure' },
      limit: 3,
    });
    expect(basis).toMatchObject({ exact: true, source: 'rollups', since: null });
    const failing = all.filter((e) => e.status === 'failure');
    const top = (field: 'userName' | 'taskName') => {
      const counts = new Map<string, number>();
      for (const e of failing) counts.set(e[field], (counts.get(e[field]) ?? 0) + 1);
      return [...counts]
        .sort((a, b) => b[1] - a[1] || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
        .slice(0, 3)
        .map(([value, count]) => ({ value, count }));
    };
    expect(facets.userName).toEqual(top('userName'));
    expect(facets.taskName).toEqual(top('taskName'));
    expect(facets.status).toEqual([{ value: 'failure', count: failing.length }]);
    expect(Object.keys(facets).sort()).toEqual([
      'action',
      'agent',
      'application',
      'objectType',
      'status',
      'taskName',
      'tenant',
      'userName',
    ]);
  });
  it('keeps paging stable while new events arrive', async () => {
    // Last in this block: it adds events that the other tests' reference does not have.
    const ingest = (await app.token(['ingest'], { tenant: 'generated' })).caller;
    const before = referenceOrder(all, 'occurredAt', 'desc');
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await reader.auditLogs.list({
        limit: 25,
        withTotal: false,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor ?? undefined;
      // New events land on both sides of the cursor: newer than everything, and inside the range.
      await ingest.auditLogs.record({
        events: [
          {
            userName: 'late',
            taskName: 'site.provision',
            status: 'success',
            occurredAt: end.toISOString(),
          },
          {
            userName: 'late',
            taskName: 'site.provision',
            status: 'success',
            occurredAt: all[Math.min(round * 25 + 40, all.length - 1)]!.occurredAt,
          },
        ],
      });
      round++;
    } while (cursor);
    const original = seen.filter((id) => before.includes(id));
    expect(original).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
