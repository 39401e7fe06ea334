import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SDN_SAMPLES } from '../testing/seed-samples';
import {
  startHttpServer,
  startUnreachableServer,
  type HttpTestServer,
  type RecordedEvent,
} from '../testing/http-server';
import type { SdnEntry } from './hpe-sdn';

/** Seed 004's sample response, verbatim. */
const SAMPLE_RESPONSE: { audit_log_entries: SdnEntry[] } = {
  audit_log_entries: [
    {
      uid: '730d99ee-78f9-4301-ab2b-7871df61a6d3',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:19.265Z',
      activity: 'Artifact Management - Upload',
      description: 'geewiz-apps-1.0.0.jar has been staged',
    },
    {
      uid: '77881f9f-a0c4-482b-8fd2-872c87c1bcab',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:19.754Z',
      activity: 'Artifact Management - Refresh',
      description: 'com.geewiz.apps has been refreshed',
    },
    {
      uid: 'a39fdb1d-a0f2-444b-b79a-ada13cf0dc0b',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:20.312Z',
      activity: 'Artifact Management - Uninstall',
      description: 'com.geewiz.apps has been removed',
    },
    {
      uid: '003e52ec-4bce-47c5-b3ec-cf6163aca5c0',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:20.975Z',
      activity: 'Artifact Management - Upload',
      description: 'golly-gee-app.zip has been staged',
    },
    {
      uid: '98a92ddf-04ad-474e-9c6a-fa99ff7256ed',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:24.165Z',
      activity: 'Artifact Management - Refresh',
      description: 'golly-gee.plan has been refreshed',
    },
    {
      uid: '21f082f5-8b1b-453a-8474-a3e1eab4e0ef',
      system_uid: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
      user: 'sdn',
      ts: '2013-06-05T17:54:26.028Z',
      activity: 'Artifact Management - Uninstall',
      description: 'golly-gee.plan has been removed',
    },
  ],
};
const SAMPLES = SAMPLE_RESPONSE.audit_log_entries;

/**
 * Entries for the seed's other sample requests (by user `john.doe`, by activity `suspicious`,
 * by the period 2013-09-19T18:06:54.086Z–.108Z), with neighbours just outside each.
 */
const CONTROLLER = 'b2c3d4e5-0000-4000-8000-000000000001';
const entry = (uid: string, user: string, ts: string, activity: string): SdnEntry => ({
  uid,
  system_uid: CONTROLLER,
  user,
  ts,
  activity,
  description: `${activity} by ${user}`,
});
const JOHN_SUSPICIOUS = entry(
  '10000000-0000-4000-8000-000000000001',
  'john.doe',
  '2013-09-19T18:06:54.085Z',
  'suspicious',
);
const PERIOD_START = entry(
  '10000000-0000-4000-8000-000000000002',
  'sdn',
  '2013-09-19T18:06:54.086Z',
  'Artifact Management - Upload',
);
const JOHN_IN_PERIOD = entry(
  '10000000-0000-4000-8000-000000000003',
  'john.doe',
  '2013-09-19T18:06:54.100Z',
  'Artifact Management - Refresh',
);
const PERIOD_END = entry(
  '10000000-0000-4000-8000-000000000004',
  'jane.roe',
  '2013-09-19T18:06:54.108Z',
  'suspicious',
);
const AFTER_PERIOD = entry(
  '10000000-0000-4000-8000-000000000005',
  'john.doe.admin',
  '2013-09-19T18:06:54.109Z',
  'suspicious activity',
);
const OTHERS = [JOHN_SUSPICIOUS, PERIOD_START, JOHN_IN_PERIOD, PERIOD_END, AFTER_PERIOD];
/** Everything recorded in the lab's tenant, oldest first. */
const ALL = [...SAMPLES, ...OTHERS];

/** An SDN entry as a service records it: the mapping read backwards (DESIGN.md). */
function recorded(e: SdnEntry): RecordedEvent {
  return {
    eventId: e.uid,
    systemId: e.system_uid ?? undefined,
    userName: e.user,
    occurredAt: e.ts,
    taskName: e.activity,
    description: e.description ?? undefined,
    status: 'success',
  };
}

const PATH = '/sdn/v2.0/auditlog';
const LAB = 'sdn-lab';

describe('HPE VAN SDN: GET /sdn/v2.0/auditlog', () => {
  let server: HttpTestServer;
  let reader: string;

  beforeAll(async () => {
    server = await startHttpServer();
    // A tenant of their own: the default one also holds this service's own records.
    const ingest = await server.token(['ingest'], { tenant: LAB });
    // The seed's samples as recorded (testing/seed-samples.ts), then the others, newest
    // first: the answer's order comes from the sort, not from insertion.
    await server.record(ingest.secret, [...OTHERS.map(recorded), ...SDN_SAMPLES].reverse());
    const otherTenant = await server.token(['ingest'], { tenant: 'other' });
    await server.record(otherTenant.secret, [
      recorded(
        entry(
          '20000000-0000-4000-8000-000000000001',
          'sdn',
          '2013-06-05T17:54:22.000Z',
          'Artifact Management - Upload',
        ),
      ),
    ]);
    reader = (await server.token(['read'], { tenant: LAB })).secret;
  });
  afterAll(() => server.close());

  const get = (query: string, headers: Record<string, string> = { 'x-auth-token': reader }) =>
    fetch(`${server.base}${PATH}${query}`, { headers });

  async function entries(query: string): Promise<SdnEntry[]> {
    const response = await get(query);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return ((await response.json()) as { audit_log_entries: SdnEntry[] }).audit_log_entries;
  }

  it("answers the seed's sample request with its sample response, field for field, oldest first", async () => {
    const response = await get('');
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBeNull();
    const body = (await response.json()) as { audit_log_entries: SdnEntry[] };
    expect(Object.keys(body)).toEqual(['audit_log_entries']);
    expect(body.audit_log_entries.slice(0, SAMPLES.length)).toEqual(SAMPLES);
    expect(body.audit_log_entries).toEqual(ALL);
    for (const each of body.audit_log_entries) {
      expect(Object.keys(each)).toEqual([
        'uid',
        'system_uid',
        'user',
        'ts',
        'activity',
        'description',
      ]);
      expect(each.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('filters by user, exactly, with the value quoted as in the sample or not', async () => {
    const john = [JOHN_SUSPICIOUS, JOHN_IN_PERIOD];
    expect(await entries('?user="john.doe"')).toEqual(john);
    expect(await entries('?user=%22john.doe%22')).toEqual(john);
    expect(await entries('?user=john.doe')).toEqual(john);
    expect(await entries('?user="john"')).toEqual([]);
    expect(await entries('?user=sdn')).toEqual([...SAMPLES, PERIOD_START]);
  });

  it('filters by activity, exactly', async () => {
    expect(await entries('?activity="suspicious"')).toEqual([JOHN_SUSPICIOUS, PERIOD_END]);
    expect(await entries('?activity=%22Artifact%20Management%20-%20Upload%22')).toEqual([
      SAMPLES[0],
      SAMPLES[3],
      PERIOD_START,
    ]);
    expect(await entries('?activity="suspicious"&user="jane.roe"')).toEqual([PERIOD_END]);
  });

  it('filters by a time period, both ends inclusive (the sample request)', async () => {
    expect(
      await entries('?start=2013-09-19T18%3A06%3A54.086Z&end=2013-09-19T18%3A06%3A54.108Z'),
    ).toEqual([PERIOD_START, JOHN_IN_PERIOD, PERIOD_END]);
    expect(await entries('?start=2013-09-19T18:06:54.100Z')).toEqual([
      JOHN_IN_PERIOD,
      PERIOD_END,
      AFTER_PERIOD,
    ]);
    expect(await entries('?end=2013-06-05T17:54:19.754Z')).toEqual(SAMPLES.slice(0, 2));
    // Another offset, and none (UTC), name the same instants.
    expect(
      await entries('?start="2013-09-19T20:06:54.086%2B02:00"&end=2013-09-19T18:06:54.086'),
    ).toEqual([PERIOD_START]);
    expect(
      await entries('?start=2013-09-19T18:06:54.086Z&user=john.doe&activity=suspicious'),
    ).toEqual([]);
  });

  it('answers pages of `limit` entries with a Link to the next, which the pages follow to the end', async () => {
    const seen: SdnEntry[] = [];
    let next: string | null = `${PATH}?limit=3&user=sdn`;
    let pages = 0;
    while (next) {
      const response = await fetch(`${server.base}${next}`, {
        headers: { 'x-auth-token': reader },
      });
      expect(response.status).toBe(200);
      const page = ((await response.json()) as { audit_log_entries: SdnEntry[] }).audit_log_entries;
      expect(page.length).toBeLessThanOrEqual(3);
      seen.push(...page);
      pages += 1;
      const link = response.headers.get('link');
      next = link ? (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? 'unparsable') : null;
      if (next) expect(next).toMatch(/^\/sdn\/v2\.0\/auditlog\?limit=3&user=sdn&cursor=/);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...SAMPLES, PERIOD_START]);

    expect(await entries('?offset=2&limit=2')).toEqual(SAMPLES.slice(2, 4));
    expect(await entries(`?offset=${ALL.length}`)).toEqual([]);
    const full = await get(`?limit=${ALL.length}`);
    expect(full.headers.get('link')).toBeNull();
    const short = await get(`?limit=${ALL.length - 1}`);
    expect(short.headers.get('link')).toMatch(/rel="next"$/);
  });

  it('takes Authorization (Bearer or Basic) as well as X-Auth-Token, and sees only a token’s own tenant', async () => {
    const bearer = await get('', { authorization: `Bearer ${reader}` });
    expect(
      ((await bearer.json()) as { audit_log_entries: unknown[] }).audit_log_entries,
    ).toHaveLength(ALL.length);
    const auditor = await server.user('auditor');
    const basic = await get('?user=john.doe', {
      authorization: `Basic ${Buffer.from(`${auditor.username}:${auditor.password}`).toString('base64')}`,
    });
    expect(
      ((await basic.json()) as { audit_log_entries: unknown[] }).audit_log_entries,
    ).toHaveLength(2);

    const otherReader = await server.token(['read'], { tenant: 'other' });
    const other = await get('', { 'x-auth-token': otherReader.secret });
    expect(
      ((await other.json()) as { audit_log_entries: SdnEntry[] }).audit_log_entries.map(
        (e) => e.uid,
      ),
    ).toEqual(['20000000-0000-4000-8000-000000000001']);
  });

  it('answers bad parameters with a 400 problem naming the parameter', async () => {
    const cases: [string, string, RegExp][] = [
      ['?start=yesterday', 'start', /ISO 8601/],
      ['?end="2013-13-40T00:00:00Z"', 'end', /ISO 8601/],
      ['?start=2013-09-20T00:00:00Z&end=2013-09-19T00:00:00Z', 'start', /after end/],
      ['?limit=0', 'limit', /at least 1/],
      ['?limit=2001', 'limit', /at most 2000/],
      ['?offset=100001', 'offset', /at most 100000/],
      ['?offset=-1', 'offset', /whole number/],
      ['?usr=john.doe', 'usr', /not a parameter/],
      ['?user=a&user=b', 'user', /./],
      ['?cursor=bogus', 'cursor', /not a cursor/],
    ];
    for (const [query, field, message] of cases) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type'), query).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as {
        detail: string;
        errors?: { field: string; message: string }[];
      };
      expect(body.detail, query).toContain(`${field}:`);
      expect(body.detail, query).toMatch(message);
    }
  });

  it('answers 401 without credentials or with bad ones, 403 to a token without `read`', async () => {
    const none = await get('', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await none.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((await get('', { 'x-auth-token': 'alm_nonsense' })).status).toBe(401);
    const ingest = await server.token(['ingest']);
    const forbidden = await get('', { 'x-auth-token': ingest.secret });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ detail: 'this token lacks the "read" scope' });
  });

  it('answers 404 for other paths under /sdn/ and 405 for other methods', async () => {
    for (const path of [
      '/sdn/v2.0/auditlogs',
      '/sdn/v2.0/auditlog/1',
      '/sdn/v2.0/',
      '/sdn/v3.0/auditlog',
    ]) {
      const response = await fetch(`${server.base}${path}`, {
        headers: { 'x-auth-token': reader },
      });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
    const post = await fetch(`${server.base}${PATH}`, {
      method: 'POST',
      headers: { 'x-auth-token': reader },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 with Retry-After while the database is out of reach', async () => {
    const down = await startUnreachableServer();
    try {
      const response = await fetch(`${down.base}${PATH}?user="john.doe"`, {
        headers: { 'x-auth-token': `alm_${'x'.repeat(43)}` },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});
