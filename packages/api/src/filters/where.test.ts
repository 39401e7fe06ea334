import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, failure, type Caller, type TestApp } from '../testing/harness';
import { MAX_WHERE_COMPARISONS, MAX_WHERE_DEPTH, type WhereCondition } from './schema';

/** The filter's `where` tree, through the tRPC caller: list, histogram, facets, export, purge. */
describe('filter.where', () => {
  let app: TestApp;
  let reader: Caller;

  const EVENTS = [
    {
      userName: 'alice',
      userIp: '172.16.100.2',
      taskName: 'Login',
      status: 'success' as const,
      occurredAt: '2011-08-29T04:46:18.000Z',
      description: 'Login Succeeded',
      application: 'REST',
    },
    {
      userName: 'bob',
      userIp: '10.0.0.7',
      taskName: 'POST: /api/space/device-management/discover-devices',
      status: 'job_scheduled' as const,
      resultCode: '202',
      occurredAt: '2011-08-29T04:42:27.000Z',
      description: 'Job: Device discover scheduled with job id 196608',
      application: 'REST',
    },
    {
      userName: 'carol',
      taskName: 'Logout',
      status: 'failure' as const,
      occurredAt: '2011-08-29T05:31:25.500Z',
      description: '100% done_ok',
    },
  ];

  beforeAll(async () => {
    app = await createTestApp();
    // A tenant of their own: the app's own events (token changes) stay out of the way.
    const ingest = (await app.token(['ingest'], { tenant: 'w' })).caller;
    await ingest.auditLogs.record({ events: EVENTS });
    reader = (await app.token(['read'], { tenant: 'w' })).caller;
  });
  afterAll(() => app.close());

  async function users(where: WhereCondition): Promise<string[]> {
    const page = await reader.auditLogs.list({
      filter: { where },
      sort: { field: 'userName', direction: 'asc' },
    });
    expect(page.total).toBe(page.items.length);
    return page.items.map((event) => event.userName);
  }

  it('compares with each op', async () => {
    expect(await users({ field: 'userName', op: 'eq', value: 'bob' })).toEqual(['bob']);
    expect(await users({ field: 'userName', op: 'ne', value: 'bob' })).toEqual(['alice', 'carol']);
    expect(await users({ field: 'userName', op: 'gt', value: 'alice' })).toEqual(['bob', 'carol']);
    expect(await users({ field: 'userName', op: 'ge', value: 'bob' })).toEqual(['bob', 'carol']);
    expect(await users({ field: 'userName', op: 'lt', value: 'bob' })).toEqual(['alice']);
    expect(await users({ field: 'userName', op: 'le', value: 'bob' })).toEqual(['alice', 'bob']);
    expect(await users({ field: 'taskName', op: 'startsWith', value: 'Log' })).toEqual([
      'alice',
      'carol',
    ]);
    expect(await users({ field: 'description', op: 'contains', value: 'discover' })).toEqual([
      'bob',
    ]);
    // % and _ are literal characters in contains/startsWith.
    expect(await users({ field: 'description', op: 'contains', value: '% done_' })).toEqual([
      'carol',
    ]);
    expect(await users({ field: 'description', op: 'contains', value: '_' })).toEqual(['carol']);
  });

  it('compares instants, addresses, ids and enums in their own types', async () => {
    expect(
      await users({ field: 'occurredAt', op: 'ge', value: '2011-08-29T10:16:18+05:30' }),
    ).toEqual(['alice', 'carol']);
    expect(
      await users({ field: 'occurredAt', op: 'lt', value: String(1_314_593_178_000) }),
    ).toEqual(['bob']);
    expect(await users({ field: 'userIp', op: 'gt', value: '10.255.0.0' })).toEqual(['alice']);
    expect(await users({ field: 'userIp', op: 'startsWith', value: '172.16.' })).toEqual(['alice']);
    expect(await users({ field: 'status', op: 'ne', value: 'success' })).toEqual(['bob', 'carol']);
    const [first] = (await reader.auditLogs.list({ sort: { field: 'id', direction: 'asc' } }))
      .items;
    expect(await users({ field: 'id', op: 'gt', value: first?.id ?? '' })).toHaveLength(2);
  });

  it('treats NULL as a value of its own: ne matches it, the others do not, null is IS NULL', async () => {
    expect(await users({ field: 'userIp', op: 'ne', value: '10.0.0.7' })).toEqual([
      'alice',
      'carol',
    ]);
    expect(await users({ field: 'resultCode', op: 'lt', value: '9' })).toEqual(['bob']);
    expect(await users({ field: 'userIp', op: 'eq', value: null })).toEqual(['carol']);
    expect(await users({ field: 'userIp', op: 'ne', value: null })).toEqual(['alice', 'bob']);
    // not(eq) is ne, NULLs included (two-valued logic).
    expect(await users({ not: { field: 'application', op: 'eq', value: 'REST' } })).toEqual([
      'carol',
    ]);
  });

  it('combines with all, any and not, and with the other filter fields', async () => {
    expect(
      await users({
        any: [
          { field: 'userName', op: 'eq', value: 'alice' },
          {
            all: [
              { field: 'status', op: 'eq', value: 'failure' },
              { not: { field: 'userIp', op: 'ne', value: null } },
            ],
          },
        ],
      }),
    ).toEqual(['alice', 'carol']);
    const page = await reader.auditLogs.list({
      filter: { status: 'success', where: { field: 'userName', op: 'ne', value: 'alice' } },
    });
    expect(page.items).toEqual([]);
  });

  it('refuses what a field cannot take, naming the place', async () => {
    const cases: [WhereCondition, RegExp][] = [
      [{ field: 'status', op: 'gt', value: 'success' }, /where\.op: status takes eq, ne/],
      [{ field: 'status', op: 'eq', value: 'ok' }, /where\.value: .*success/],
      [{ field: 'userIp', op: 'eq', value: '300.1.1.1' }, /where\.value: must be an IPv4 or IPv6/],
      [{ field: 'occurredAt', op: 'gt', value: 'yesterday' }, /where\.value: /],
      [{ field: 'id', op: 'eq', value: 'x' }, /where\.value: must be a decimal id/],
      [{ field: 'userName', op: 'gt', value: null }, /where\.value: null goes with eq or ne only/],
      [{ all: [] }, /where.*at least one condition/],
    ];
    for (const [where, message] of cases) {
      const error = await failure(reader.auditLogs.list({ filter: { where } }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
    const metadata = await failure(
      reader.auditLogs.list({
        filter: { where: { field: 'metadata', op: 'eq', value: 'x' } as unknown as WhereCondition },
      }),
    );
    expect(metadata.message).toMatch(/where/);
  });

  it('is bounded in depth and in comparisons', async () => {
    let deep: WhereCondition = { field: 'userName', op: 'eq', value: 'alice' };
    for (let i = 1; i < MAX_WHERE_DEPTH; i++) deep = { not: deep };
    expect(await users(deep)).toEqual(MAX_WHERE_DEPTH % 2 === 1 ? ['alice'] : ['bob', 'carol']);
    const tooDeep = await failure(reader.auditLogs.list({ filter: { where: { not: deep } } }));
    expect(tooDeep.message).toMatch(`must nest at most ${MAX_WHERE_DEPTH} deep`);

    const many = (n: number): WhereCondition => ({
      all: Array.from({ length: n / 2 }, () => ({
        any: [
          { field: 'userName', op: 'ne', value: 'x' } as const,
          { field: 'userName', op: 'ne', value: 'y' } as const,
        ],
      })),
    });
    expect(await users(many(MAX_WHERE_COMPARISONS))).toHaveLength(3);
    const tooMany = await failure(
      reader.auditLogs.list({ filter: { where: many(MAX_WHERE_COMPARISONS + 2) } }),
    );
    expect(tooMany.message).toMatch(`must hold at most ${MAX_WHERE_COMPARISONS} comparisons`);
  });

  it('narrows histogram, facets, export and purge alike', async () => {
    const where: WhereCondition = {
      any: [
        { field: 'userName', op: 'eq', value: 'alice' },
        { field: 'status', op: 'eq', value: 'failure' },
      ],
    };
    const histogram = await reader.auditLogs.histogram({ filter: { where } });
    const total = histogram.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
    expect(total).toBe(2);
    expect(histogram.basis).toMatchObject({ exact: true, source: 'events' });
    const failures = histogram.buckets.reduce((sum, bucket) => sum + bucket.byStatus.failure, 0);
    expect(failures).toBe(1);

    const facets = await reader.auditLogs.facets({ filter: { where }, fields: ['userName'] });
    expect(facets.fields.userName).toEqual([
      { value: 'alice', count: 1 },
      { value: 'carol', count: 1 },
    ]);

    const preview = await app.admin.purge.preview({
      before: '2030-01-01T00:00:00Z',
      filter: { tenant: 'w', where },
    });
    expect(preview.count).toBe(2);

    await reader.exports.create({ filter: { where }, format: 'json' });
    await app.runJobs();
    const archives = await reader.exports.list({});
    expect(archives.items[0]?.rowCount).toBe(2);
    expect(archives.items[0]?.filters).toMatchObject({ where });
  });
});
