import { EVENT_ACTIONS, type EventAction } from '@audit/db/fields';
import { parse as parseCsv } from 'csv-parse/sync';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { unzipText } from '../testing/harness';
import {
  startHttpServer,
  startUnreachableServer,
  type HttpTestServer,
  type RecordedEvent,
} from '../testing/http-server';
import type { CaAudit } from './ca-portal';

/**
 * Seed 003 shows its audits as a picture only: these are built from its words (the audited
 * objects and their recorded events, the users `Portal API` and `Registration Service`, the
 * agents Mozilla, Python, Chrome and CA API Gateway, its example time 1539707873000), each
 * with the event a service records for it.
 */
const T0 = 1_539_707_873_000;
const MINUTE = 60_000;

const UA = {
  gateway: 'CA API Gateway/9.4',
  chrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  python: 'python-requests/2.31.0',
  mozilla: 'Mozilla/5.0 (compatible; PortalMonitor/1.0)',
} as const;

interface Sample {
  audit: CaAudit;
  /** What else the recording service says: its task, status, user agent, and maybe the action. */
  task: string;
  status: 'success' | 'failure';
  userAgent?: string;
  action?: EventAction;
}

let n = 0;
function sample(
  minutes: number,
  audit: Omit<CaAudit, 'uuid' | 'time'>,
  rest: Omit<Sample, 'audit'>,
): Sample {
  n += 1;
  return {
    audit: {
      uuid: `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      time: T0 + minutes * MINUTE,
      ...audit,
    },
    ...rest,
  };
}

const SAMPLES: Sample[] = [
  sample(
    0,
    {
      entityType: 'Application',
      entityName: 'Weather App',
      action: 'Created',
      userName: 'Portal API',
      agent: 'CA API Gateway',
    },
    { task: 'Create Application', status: 'success', userAgent: UA.gateway },
  ),
  sample(
    1,
    {
      entityType: 'API',
      entityName: 'Payments API',
      action: 'Updated',
      userName: 'admin',
      agent: 'Chrome',
    },
    { task: 'API saved', status: 'success', userAgent: UA.chrome, action: 'update' },
  ),
  sample(
    2,
    {
      entityType: 'Organization',
      entityName: 'Acme Corp',
      action: 'Deleted',
      userName: 'admin',
      agent: 'Firefox',
    },
    { task: 'Delete Organization', status: 'success', userAgent: UA.firefox },
  ),
  sample(
    3,
    {
      entityType: 'User',
      entityName: 'jdoe',
      action: 'Login Success',
      userName: 'jdoe',
      agent: 'Python',
    },
    { task: 'Login', status: 'success', userAgent: UA.python },
  ),
  sample(
    4,
    {
      entityType: 'User',
      entityName: 'jdoe',
      action: 'Login Failed',
      userName: 'jdoe',
      agent: 'Mozilla',
    },
    { task: 'Login', status: 'failure', userAgent: UA.mozilla },
  ),
  sample(
    5,
    {
      entityType: 'User',
      entityName: 'newdev',
      action: 'Created',
      userName: 'Registration Service',
      agent: null,
    },
    { task: 'Create User', status: 'success' },
  ),
  sample(
    6,
    {
      entityType: 'API EULA',
      entityName: 'Standard EULA',
      action: 'Updated',
      userName: 'Portal API',
      agent: 'CA API Gateway',
    },
    { task: 'Update API EULA', status: 'success', userAgent: UA.gateway },
  ),
  sample(
    7,
    {
      entityType: 'API Plan',
      entityName: 'Gold',
      action: 'Created',
      userName: 'admin',
      agent: 'Chrome',
    },
    { task: 'Create API Plan', status: 'success', userAgent: UA.chrome },
  ),
  sample(
    8,
    {
      entityType: 'Account Plan',
      entityName: 'Enterprise',
      action: 'Deleted',
      userName: 'admin',
      agent: 'Chrome',
    },
    { task: 'Delete Account Plan', status: 'success', userAgent: UA.chrome },
  ),
  sample(
    9,
    {
      entityType: 'Custom Field',
      entityName: '=HYPERLINK("http://x")',
      action: 'Created',
      userName: 'Portal API',
      agent: 'CA API Gateway',
    },
    { task: 'Create Custom Field', status: 'success', userAgent: UA.gateway },
  ),
  sample(
    10,
    { entityType: 'User', entityName: 'jdoe', action: 'Logout', userName: 'jdoe', agent: 'Python' },
    { task: 'Logout', status: 'success', userAgent: UA.python },
  ),
  sample(
    11,
    {
      entityType: 'API',
      entityName: 'Payments API v2',
      action: 'Executed',
      userName: 'Portal API',
      agent: 'CA API Gateway',
    },
    { task: 'Deploy API', status: 'success', userAgent: UA.gateway },
  ),
  sample(
    12,
    {
      entityType: 'Application',
      entityName: 'Weather App',
      action: 'Read',
      userName: 'jdoe',
      agent: 'Chrome',
    },
    { task: 'View Application', status: 'success', userAgent: UA.chrome },
  ),
  sample(
    13,
    {
      entityType: 'Application',
      entityName: 'Weather App',
      action: 'Other',
      userName: 'admin',
      agent: 'Chrome',
    },
    { task: 'Application key rotated', status: 'success', userAgent: UA.chrome },
  ),
];
const AUDITS = SAMPLES.map((s) => s.audit);
const NEWEST_FIRST = [...AUDITS].reverse();
/** Just outside the samples' 13 minutes: 100 days before, and 91 days after. */
const OLD = sample(
  -100 * 24 * 60,
  {
    entityType: 'API',
    entityName: 'Legacy API',
    action: 'Deleted',
    userName: 'admin',
    agent: 'Chrome',
  },
  { task: 'Delete API', status: 'success', userAgent: UA.chrome },
);
const LATER = sample(
  91 * 24 * 60,
  {
    entityType: 'API',
    entityName: 'Next API',
    action: 'Created',
    userName: 'admin',
    agent: 'Chrome',
  },
  { task: 'Create API', status: 'success', userAgent: UA.chrome },
);
const END = T0 + 13 * MINUTE;

function recorded(s: Sample): RecordedEvent {
  return {
    eventId: s.audit.uuid,
    occurredAt: s.audit.time,
    userName: s.audit.userName,
    objectType: s.audit.entityType ?? undefined,
    objectName: s.audit.entityName ?? undefined,
    taskName: s.task,
    status: s.status,
    ...(s.userAgent ? { userAgent: s.userAgent } : {}),
    ...(s.action ? { action: s.action } : {}),
  };
}

const LIST = '/tenant-admin/1.0/audits';
const EXPORT = '/tenant-admin/1.0/audits/export';
const PORTAL = 'portal';

/** The order a sort gives: by the field, then by time in the same direction. */
function sorted(field: keyof CaAudit, direction: 'asc' | 'desc'): CaAudit[] {
  const key = (a: CaAudit): string | number => {
    if (field !== 'action') return a[field] ?? '';
    // An enum sorts in its declared order: CA's words in the order of our actions.
    return EVENT_ACTIONS.indexOf(actionOf(a.action));
  };
  const sign = direction === 'asc' ? 1 : -1;
  return [...AUDITS].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
    return (a.time - b.time) * sign;
  });
}
function actionOf(word: CaAudit['action']): EventAction {
  const words: Record<CaAudit['action'], EventAction> = {
    Created: 'create',
    Read: 'read',
    Updated: 'update',
    Deleted: 'delete',
    'Login Success': 'login',
    'Login Failed': 'login',
    Logout: 'logout',
    Executed: 'execute',
    Other: 'other',
  };
  return words[word];
}

describe('CA API Portal: /tenant-admin/1.0/audits and /audits/export', () => {
  let server: HttpTestServer;
  let reader: string;

  beforeAll(async () => {
    server = await startHttpServer();
    // A tenant of their own: the default one also holds this service's own records.
    const ingest = await server.token(['ingest'], { tenant: PORTAL });
    await server.record(ingest.secret, [OLD, ...SAMPLES, LATER].reverse().map(recorded));
    reader = (await server.token(['read'], { tenant: PORTAL })).secret;
  });
  afterAll(() => server.close());

  const get = (
    path: string,
    query: string,
    headers: Record<string, string> = { authorization: `Bearer ${reader}` },
  ) => fetch(`${server.base}${path}${query}`, { headers });

  async function audits(query: string): Promise<CaAudit[]> {
    const response = await get(LIST, query);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as CaAudit[];
  }
  const inRange = `startTs=${T0}&endTs=${END}`;

  it('lists the samples, every field as the Portal shows it, newest first, 10 by default', async () => {
    const all = await audits(`?${inRange}&size=2000`);
    expect(all).toEqual(NEWEST_FIRST);
    for (const audit of all) {
      expect(Object.keys(audit)).toEqual([
        'uuid',
        'time',
        'entityType',
        'entityName',
        'action',
        'userName',
        'agent',
      ]);
    }
    expect(await audits(`?${inRange}`)).toEqual(NEWEST_FIRST.slice(0, 10));
    expect(await audits('?size=2000')).toEqual([LATER.audit, ...NEWEST_FIRST, OLD.audit]);
  });

  it('filters by time (both ends inclusive), entityType, entityName, action and userName', async () => {
    expect(await audits(`?startTs=${T0 + MINUTE}&endTs=${T0 + 3 * MINUTE}`)).toEqual(
      NEWEST_FIRST.filter((a) => a.time >= T0 + MINUTE && a.time <= T0 + 3 * MINUTE),
    );
    expect(await audits(`?startTs=${T0 + 13 * MINUTE}`)).toEqual([LATER.audit, AUDITS[13]]);
    expect(await audits(`?endTs=${T0 - 1}`)).toEqual([OLD.audit]);

    const where = (test: (a: CaAudit) => boolean) =>
      audits(`?${inRange}&size=100`).then((all) => {
        expect(all.filter(test).length).toBeGreaterThan(0);
        return all.filter(test);
      });
    expect(await audits(`?${inRange}&entityType=Application`)).toEqual(
      await where((a) => a.entityType === 'Application'),
    );
    expect(await audits(`?${inRange}&entityType=API`)).toEqual(
      await where((a) => a.entityType === 'API'),
    );
    expect(await audits(`?${inRange}&entityName=Payments%20API`)).toEqual(
      await where((a) => a.entityName === 'Payments API'),
    );
    expect(await audits(`?${inRange}&userName=Portal%20API`)).toEqual(
      await where((a) => a.userName === 'Portal API'),
    );
    expect(await audits(`?${inRange}&userName=Registration%20Service`)).toEqual([AUDITS[5]]);
    for (const word of [
      'Created',
      'Updated',
      'Deleted',
      'Login Success',
      'Login Failed',
      'Read',
      'Logout',
      'Executed',
      'Other',
    ] as const) {
      expect(await audits(`?${inRange}&action=${encodeURIComponent(word)}`), word).toEqual(
        await where((a) => a.action === word),
      );
    }
    expect(await audits(`?${inRange}&action=login%20failed`)).toEqual([AUDITS[4]]);
    expect(
      await audits(`?${inRange}&action=Created&entityType=User&userName=Registration%20Service`),
    ).toEqual([AUDITS[5]]);
  });

  it('sorts by time, entityType, entityName, action and userName, either way; a field alone is ascending', async () => {
    const fields = ['time', 'entityType', 'entityName', 'action', 'userName'] as const;
    for (const field of fields) {
      for (const direction of ['asc', 'desc'] as const) {
        const query = `?${inRange}&size=100&sort=${field},${direction.toUpperCase()}`;
        expect(await audits(query), query).toEqual(sorted(field, direction));
      }
      expect(await audits(`?${inRange}&size=100&sort=${field}`), field).toEqual(
        sorted(field, 'asc'),
      );
    }
    expect(await audits(`?${inRange}&size=100&sort=entityType,desc`)).toEqual(
      sorted('entityType', 'desc'),
    );
  });

  it('pages by size and page (0-based)', async () => {
    const seen: CaAudit[] = [];
    for (let page = 0; page < 5; page++) {
      const items = await audits(`?${inRange}&size=3&page=${page}`);
      expect(items.length).toBe(page < 4 ? 3 : 2);
      seen.push(...items);
    }
    expect(seen).toEqual(NEWEST_FIRST);
    expect(await audits(`?${inRange}&size=3&page=5`)).toEqual([]);
    expect(await audits(`?${inRange}&size=2&page=1&sort=entityName,ASC`)).toEqual(
      sorted('entityName', 'asc').slice(2, 4),
    );
    expect(await audits(`?${inRange}&size=2000&page=50`)).toEqual([]);
  });

  it('answers bad parameters of the list with a 400 problem naming the parameter', async () => {
    const cases: [string, string, RegExp][] = [
      ['?size=2001', 'size', /at most 2000/],
      ['?size=0', 'size', /at least 1/],
      ['?size=ten', 'size', /whole number/],
      ['?size=ten&page=3&startTs=x&endTs=1', 'size', /whole number/],
      ['?page=-1', 'page', /whole number/],
      ['?size=2000&page=51', 'page', /page × size must be at most 100000/],
      ['?sort=agent', 'sort', /cannot sort by agent/],
      ['?sort=agent,DESC', 'sort', /cannot sort by agent/],
      ['?sort=uuid', 'sort', /must name one of time, entityType, entityName, action, userName/],
      ['?sort=time,UP', 'sort', /ASC or field,DESC/],
      [
        '?action=Approved',
        'action',
        /must be one of Created, Read, Updated, Deleted, Login Failed, Login Success, Logout, Executed, Other/,
      ],
      ['?startTs=2018-10-16', 'startTs', /epoch milliseconds/],
      ['?startTs=2&endTs=1', 'startTs', /after endTs/],
      ['?format=CSV', 'format', /not a parameter of this path/],
    ];
    for (const [query, field, message] of cases) {
      const response = await get(LIST, query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type'), query).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { detail: string };
      expect(body.detail, query).toContain(`${field}:`);
      expect(body.detail, query).toMatch(message);
    }
  });

  async function exported(query: string, headers?: Record<string, string>) {
    const response = await get(EXPORT, query, headers);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    return {
      disposition: response.headers.get('content-disposition'),
      files: await unzipText(Buffer.from(await response.arrayBuffer())),
    };
  }

  /** An audit as CSV gives it back: every cell text, empty for none. */
  const asCsvRecord = (a: CaAudit) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v === null ? '' : String(v)]));

  it('exports a range as a zip holding audits.csv (the default) or audits.json, oldest first, with the list’s columns', async () => {
    const csv = await exported(`?${inRange}`);
    expect(csv.disposition).toBe(`attachment; filename="audits-${T0}-${END}.zip"`);
    expect(Object.keys(csv.files)).toEqual(['audits.csv']);
    const text = csv.files['audits.csv'] ?? '';
    expect(text.split('\n')[0]).toBe('uuid,time,entityType,entityName,action,userName,agent');
    // A cell a spreadsheet would run as a formula is neutralised.
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    const rows = parseCsv<Record<string, string>>(text, { columns: true });
    expect(rows).toEqual(
      AUDITS.map((a) =>
        asCsvRecord(a.entityName?.startsWith('=') ? { ...a, entityName: `'${a.entityName}` } : a),
      ),
    );

    for (const format of ['JSON', 'json', 'Json']) {
      const json = await exported(`?${inRange}&format=${format}`);
      expect(Object.keys(json.files), format).toEqual(['audits.json']);
      expect(JSON.parse(json.files['audits.json'] ?? ''), format).toEqual(AUDITS);
    }
    const csvAgain = await exported(`?${inRange}&format=csv`);
    expect(csvAgain.files['audits.csv']).toBe(text);
  });

  it('exports with the four filters', async () => {
    const json = async (query: string) =>
      JSON.parse(
        (await exported(`?${inRange}&format=JSON&${query}`)).files['audits.json'] ?? '',
      ) as CaAudit[];
    expect(await json('action=Created')).toEqual(AUDITS.filter((a) => a.action === 'Created'));
    expect(await json('action=Login%20Failed')).toEqual([AUDITS[4]]);
    expect(await json('entityType=User&userName=jdoe')).toEqual(
      AUDITS.filter((a) => a.entityType === 'User' && a.userName === 'jdoe'),
    );
    expect(await json('entityName=Weather%20App')).toEqual(
      AUDITS.filter((a) => a.entityName === 'Weather App'),
    );
    expect(await json('userName=nobody')).toEqual([]);
    const empty = await exported(`?${inRange}&userName=nobody`);
    expect(empty.files['audits.csv']).toBe(
      'uuid,time,entityType,entityName,action,userName,agent\n',
    );
  });

  it('exports at most 90 days, needs startTs and endTs, and takes neither size nor page', async () => {
    const ninety = 90 * 24 * 60 * MINUTE;
    const json = await exported(`?startTs=${T0}&endTs=${T0 + ninety}&format=JSON`);
    expect(JSON.parse(json.files['audits.json'] ?? '')).toEqual(AUDITS);
    const cases: [string, string, RegExp][] = [
      [`?startTs=${T0}&endTs=${T0 + ninety + 1}`, 'endTs', /at most 90 days/],
      [`?endTs=${END}`, 'startTs', /./],
      [`?startTs=${T0}`, 'endTs', /./],
      // Regression (found by fuzz.test.ts): the range check ran on values that had not parsed.
      [`?endTs=%00&startTs=`, 'endTs', /epoch milliseconds/],
      [`?${inRange}&size=10`, 'size', /not a parameter of this path/],
      [`?${inRange}&page=0`, 'page', /not a parameter of this path/],
      [`?${inRange}&format=XML`, 'format', /must be CSV or JSON/],
      [`?${inRange}&action=Approved`, 'action', /must be one of/],
      [`?startTs=${END}&endTs=${T0}`, 'startTs', /after endTs/],
    ];
    for (const [query, field, message] of cases) {
      const response = await get(EXPORT, query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type'), query).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { detail: string };
      expect(body.detail, query).toContain(`${field}:`);
      expect(body.detail, query).toMatch(message);
    }
  });

  it('records each export as an audit event (exports.download)', async () => {
    const auditor = await server.user('auditor');
    await exported(`?${inRange}&action=Created`, { cookie: auditor.cookie });
    const page = await server.trpc<{
      items: {
        userName: string;
        taskName: string;
        objectName: string;
        metadata: Record<string, unknown>;
        status: string;
      }[];
    }>(
      'query',
      'auditLogs.list',
      { filter: { taskName: 'exports.download', userName: auditor.username } },
      { cookie: server.adminCookie },
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      userName: auditor.username,
      taskName: 'exports.download',
      status: 'success',
      objectName: `audits-${T0}-${END}.zip`,
      metadata: {
        format: 'csv',
        path: EXPORT,
        filter: {
          from: new Date(T0).toISOString(),
          to: new Date(END).toISOString(),
          action: 'create',
        },
      },
    });
  });

  it('streams a large export whole across many reads, and breaks the transfer when a read fails mid-way', async () => {
    const ingest = await server.token(['ingest'], { tenant: 'bulk' });
    const total = 4321;
    const events: RecordedEvent[] = Array.from({ length: total }, (_, i) => ({
      occurredAt: T0 + i * 1000,
      userName: `user-${i % 7}`,
      taskName: 'Update API',
      objectType: 'API',
      objectName: `api-${i}`,
      status: 'success',
    }));
    for (let i = 0; i < total; i += 1000)
      await server.record(ingest.secret, events.slice(i, i + 1000));
    const bulkReader = await server.token(['read'], { tenant: 'bulk' });
    const csv = await exported(`?startTs=${T0}&endTs=${T0 + total * 1000}`, {
      authorization: `Bearer ${bulkReader.secret}`,
    });
    const rows = parseCsv<Record<string, string>>(csv.files['audits.csv'] ?? '', {
      columns: true,
    });
    expect(rows).toHaveLength(total);
    expect(rows.map((r) => r.entityName)).toEqual(events.map((e) => e.objectName));

    // The database lost after the first rows went out: the transfer breaks (the client never
    // holds a zip that looks whole but is short), and the server serves on.
    const { db } = server.store;
    const execute = db.execute.bind(db);
    let archiveReads = 0;
    db.execute = ((query: SQL) => {
      if (
        new PgDialect().sqlToQuery(query).sql.includes('extract(epoch from') &&
        ++archiveReads > 1
      ) {
        // A test double: execute's callers only await what it returns.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        return Promise.reject(
          Object.assign(new Error('simulated ECONNRESET'), { code: 'ECONNRESET' }),
        );
      }
      return execute(query);
    }) as typeof db.execute;
    try {
      const response = await get(EXPORT, `?startTs=${T0}&endTs=${T0 + total * 1000}`, {
        authorization: `Bearer ${bulkReader.secret}`,
      });
      expect(response.status).toBe(200);
      await expect(response.arrayBuffer()).rejects.toThrow();
      expect(archiveReads).toBe(2);
    } finally {
      db.execute = execute;
    }
    const again = await exported(`?startTs=${T0}&endTs=${T0 + 999}`, {
      authorization: `Bearer ${bulkReader.secret}`,
    });
    expect(again.files['audits.csv']?.split('\n')).toHaveLength(3);
  });

  it('keeps a token to its own tenant, on both paths', async () => {
    const other = await server.token(['read'], { tenant: 'elsewhere' });
    const headers = { authorization: `Bearer ${other.secret}` };
    const list = await get(LIST, `?${inRange}`, headers);
    expect(await list.json()).toEqual([]);
    const zip = await exported(`?${inRange}&format=JSON`, headers);
    expect(JSON.parse(zip.files['audits.json'] ?? '')).toEqual([]);
  });

  it('answers 401 without credentials, 403 to a token without `read`, 404 for other paths, 405 for other methods', async () => {
    for (const path of [LIST, EXPORT]) {
      const none = await get(path, `?${inRange}`, {});
      expect(none.status, path).toBe(401);
      expect(none.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      const ingest = await server.token(['ingest']);
      const forbidden = await get(path, `?${inRange}`, {
        authorization: `Bearer ${ingest.secret}`,
      });
      expect(forbidden.status, path).toBe(403);
      const post = await fetch(`${server.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(post.status, path).toBe(405);
    }
    for (const path of [
      '/tenant-admin/1.0/audit',
      '/tenant-admin/1.0/audits/1',
      '/tenant-admin/2.0/audits',
    ]) {
      const response = await get(path, '');
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 503 with Retry-After while the database is out of reach', async () => {
    const down = await startUnreachableServer();
    try {
      for (const path of [`${LIST}?size=5`, `${EXPORT}?${inRange}`]) {
        const response = await fetch(`${down.base}${path}`, {
          headers: { authorization: `Bearer alm_${'x'.repeat(43)}` },
        });
        expect(response.status, path).toBe(503);
        expect(response.headers.get('retry-after'), path).toBe('2');
        expect(await response.json(), path).toMatchObject({
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
        });
      }
    } finally {
      await down.close();
    }
  });
});
