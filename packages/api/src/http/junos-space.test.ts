import { tmpdir } from 'node:os';

import type { AuditDb } from '@audit/db';
import { createTestDb } from '@audit/db/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureFirstAdmin } from '../bootstrap';
import { buildServer } from '../server';

// Junos Space's audit-log API (seed 002), over HTTP, on data recorded through POST /api/v1/events.

const PASSWORD = 'junos-test-admin-password';
const BASE = '/api/space/audit-log-management/audit-logs';
const VENDOR_JSON =
  'application/vnd.net.juniper.space.audit-log-management.audit-logs+json;version=1';
const VENDOR_XML =
  'application/vnd.net.juniper.space.audit-log-management.audit-logs+xml;version=1';

/** An entry as the seed shows it (logTime in IST, +05:30), without its key. */
interface SeedEntry {
  userName: string;
  userIpAddr: string;
  description: string;
  logTime: string;
  applicationName: string;
  taskName: string;
  result: string;
}

/** The seed's four sample entries, newest first, and the events that stand for them. */
const SAMPLES: { seed: SeedEntry; event: Record<string, unknown> }[] = [
  {
    seed: {
      userName: 'super',
      userIpAddr: '172.16.100.2',
      description: 'Login Succeeded',
      logTime: '2011-08-29 11:09:18 IST',
      applicationName: 'REST',
      taskName: 'Login',
      result: 'Success',
    },
    event: { status: 'success', occurredAt: '2011-08-29T11:09:18+05:30' },
  },
  {
    seed: {
      userName: 'super',
      userIpAddr: '172.16.100.2',
      description: 'Job: Device discover shcheduled with job id 360448',
      logTime: '2011-08-29 11:01:25 IST',
      applicationName: 'REST',
      taskName: 'POST: /api/space/device-management/discover-devices',
      result: '200',
    },
    event: { status: 'success', resultCode: 200, occurredAt: '2011-08-29T11:01:25+05:30' },
  },
  {
    seed: {
      userName: 'super',
      userIpAddr: '172.16.100.2',
      description: 'Login Succeeded',
      logTime: '2011-08-29 10:16:18 IST',
      applicationName: 'REST',
      taskName: 'Login',
      result: 'Success',
    },
    event: { status: 'success', occurredAt: '2011-08-29T10:16:18+05:30' },
  },
  {
    seed: {
      userName: 'super',
      userIpAddr: '172.16.100.2',
      description: 'Job: Device discover shcheduled with job id 196608',
      logTime: '2011-08-29 10:12:27 IST',
      applicationName: 'REST',
      taskName: 'POST: /api/space/device-management/discover-devices',
      result: '202',
    },
    event: {
      status: 'job_scheduled',
      resultCode: '202',
      jobId: '196608',
      occurredAt: '2011-08-29T10:12:27+05:30',
    },
  },
];

/** More entries of the same tenant, for filters the samples alone cannot tell apart. */
const EXTRA = [
  {
    userName: 'maria',
    userIp: '10.1.2.3',
    description: 'Delete device <edge-1> & "core"',
    occurredAt: '2011-08-29T06:00:00.400Z',
    application: 'Network Management Platform',
    taskName: 'Delete Device',
    status: 'failure',
  },
  {
    userName: 'ops',
    occurredAt: '2011-08-28T23:59:59Z',
    taskName: 'Backup',
    status: 'recurring_job_scheduled',
  },
];

const seedEvent = ({ seed, event }: (typeof SAMPLES)[number]) => ({
  userName: seed.userName,
  userIp: seed.userIpAddr,
  description: seed.description,
  application: seed.applicationName,
  taskName: seed.taskName,
  ...event,
});

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'audit-log',
});

type Entry = Record<string, string>;

describe('Junos Space audit-log API', () => {
  let app: FastifyInstance;
  let base: string;
  let store: AuditDb;
  let cookie: string;
  let reader: string;
  let ingestOnly: string;
  let otherTenant: string;
  const keys: string[] = [];

  /** A call of /api/v1 that must succeed, and its answer. */
  const rest = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<unknown> => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true);
    return text ? (JSON.parse(text) as unknown) : null;
  };

  const newToken = async (scopes: string[], tenant: string) =>
    (
      (await rest(
        'POST',
        '/tokens',
        { name: `t-${Math.random().toString(36).slice(2, 8)}`, scopes, tenant },
        { cookie },
      )) as { secret: string; token: { id: string } }
    ).secret;

  /** A GET as the junos reader, unless `headers` say otherwise (an empty value: no such header). */
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      headers: Object.fromEntries(
        Object.entries({ authorization: `Bearer ${reader}`, ...headers }).filter(([, v]) => v),
      ),
    });

  /** The path with query parameters, encoded. */
  const query = (params: Record<string, string>, path = BASE) =>
    `${path}?${new URLSearchParams(params).toString()}`;

  async function listXml(
    params: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    const response = await get(query(params), headers);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    const doc = xmlParser.parse(await response.text()) as {
      'audit-logs': { '@uri': string; '@size': string; 'audit-log'?: Entry[] };
    };
    return doc['audit-logs'];
  }

  async function listJson(
    params: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    const response = await get(query(params), { accept: 'application/json', ...headers });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { 'audit-logs': { '@size': string; 'audit-log': Entry[] } })[
      'audit-logs'
    ];
  }

  /** The user names a filter matches, in the listing's order, and @size. */
  async function matching(filter: string, headers: Record<string, string> = {}) {
    const logs = await listJson({ filter, sortby: '(logTime(ascending))' }, headers);
    expect(Number(logs['@size'])).toBe(logs['audit-log'].length);
    return logs['audit-log'].map((entry) => `${entry.userName}@${entry.logTime}`);
  }

  async function problemOf(response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as { detail: string; errors?: { field: string }[] };
  }

  beforeAll(async () => {
    store = await createTestDb();
    await ensureFirstAdmin(store.db, PASSWORD, new Date());
    app = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store,
      archiveDir: tmpdir(),
      sleep: () => Promise.resolve(),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    const ingest = await newToken(['ingest'], 'junos');
    reader = await newToken(['read'], 'junos');
    ingestOnly = await newToken(['ingest'], 'other');
    otherTenant = await newToken(['read'], 'other');
    // Oldest first, so the keys grow with logTime.
    const recorded = (await rest('POST', '/events', [...SAMPLES].reverse().map(seedEvent), {
      authorization: `Bearer ${ingest}`,
    })) as { events: { id: string }[] };
    keys.push(...recorded.events.map((r) => r.id).reverse());
    await rest('POST', '/events', EXTRA, { authorization: `Bearer ${ingest}` });
    await rest(
      'POST',
      '/events',
      { userName: 'super', taskName: 'Login', status: 'success' },
      { authorization: `Bearer ${ingestOnly}` },
    );
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const SEED_FILTER = '(userName eq super)';

  it('lists the seed’s entries in its XML shape by default, each field as the seed has it', async () => {
    const response = await get(query({ filter: SEED_FILTER }), { 'x-date': 'Asia/Kolkata' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const text = await response.text();
    expect(text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<audit-logs uri="\/api\/space\/audit-log-management\/audit-logs" size="4">/,
    );
    expect(text).toMatch(
      /<audit-log key="\d+" href="[^"]+" uri="[^"]+">\n\s+<userName>super<\/userName>/,
    );
    const logs = xmlParser.parse(text) as {
      'audit-logs': { '@uri': string; '@size': string; 'audit-log': Entry[] };
    };
    expect(logs['audit-logs']['@uri']).toBe(BASE);
    expect(logs['audit-logs']['@size']).toBe('4');
    expect(logs['audit-logs']['audit-log']).toEqual(
      SAMPLES.map(({ seed }, i) => ({
        '@key': keys[i],
        '@href': `${BASE}/${keys[i]}`,
        '@uri': `${BASE}/${keys[i]}`,
        ...seed,
      })),
    );
  });

  it('answers JSON in the seed’s shape when Accept asks for it, the vendor type in kind', async () => {
    for (const [accept, type] of [
      ['application/json', 'application/json'],
      [VENDOR_JSON, VENDOR_JSON],
      ['application/xml;q=0.5, application/json', 'application/json'],
    ] as const) {
      const response = await get(query({ filter: SEED_FILTER }), {
        accept,
        'x-date': 'Asia/Kolkata',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      const body = (await response.json()) as {
        'audit-logs': { '@uri': string; '@size': string; 'audit-log': Entry[] };
      };
      expect(Object.keys(body['audit-logs'])).toEqual(['@uri', '@size', 'audit-log']);
      expect(body['audit-logs']['@size']).toBe('4');
      const entries = body['audit-logs']['audit-log'];
      for (const [i, { seed }] of SAMPLES.entries()) {
        expect(Object.keys(entries[i] ?? {})).toEqual([
          '@href',
          '@uri',
          '@key',
          'userName',
          'userIpAddr',
          'description',
          'logTime',
          'applicationName',
          'taskName',
          'result',
        ]);
        expect(entries[i]).toEqual({
          '@href': `${BASE}/${keys[i]}`,
          '@uri': `${BASE}/${keys[i]}`,
          '@key': keys[i],
          ...seed,
        });
      }
    }
    const vendorXml = await get(query({ filter: SEED_FILTER }), { accept: VENDOR_XML });
    expect(vendorXml.headers.get('content-type')).toBe(VENDOR_XML);
    expect(xmlParser.parse(await vendorXml.text())).toMatchObject({
      'audit-logs': { '@size': '4' },
    });
    const star = await get(query({ filter: SEED_FILTER }), { accept: '*/*' });
    expect(star.headers.get('content-type')).toBe('application/xml');
    const html = await get(BASE, { accept: 'text/html' });
    expect((await problemOf(html, 406)).detail).toMatch(/^Accept: /);
  });

  it('serves one entry by its key, in XML or JSON; 404 when missing or another tenant’s', async () => {
    const [key] = keys;
    const xml = await get(`${BASE}/${key}`, { 'x-date': 'Asia/Kolkata' });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toBe('application/xml');
    expect(xmlParser.parse(await xml.text())).toEqual({
      '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
      'audit-log': [
        { '@key': key, '@href': `${BASE}/${key}`, '@uri': `${BASE}/${key}`, ...SAMPLES[0]?.seed },
      ],
    });
    const json = await get(`${BASE}/${key}`, {
      'x-date': 'Asia/Kolkata',
      accept: 'application/vnd.net.juniper.space.audit-log-management.audit-log+json;version=1',
    });
    expect(json.headers.get('content-type')).toBe(
      'application/vnd.net.juniper.space.audit-log-management.audit-log+json;version=1',
    );
    expect(await json.json()).toEqual({
      'audit-log': {
        '@href': `${BASE}/${key}`,
        '@uri': `${BASE}/${key}`,
        '@key': key,
        ...SAMPLES[0]?.seed,
      },
    });

    expect((await problemOf(await get(`${BASE}/999999999`), 404)).detail).toMatch(/999999999/);
    expect((await problemOf(await get(`${BASE}/abc`), 404)).detail).toMatch(/abc/);
    await problemOf(await get(`${BASE}/${key}`, { authorization: `Bearer ${otherTenant}` }), 404);
  });

  it('writes logTime in UTC by default, and in the x-date zone (a name or a dated offset)', async () => {
    const first = async (headers: Record<string, string>) =>
      (await listJson({ filter: SEED_FILTER }, headers))['audit-log'][0]?.logTime;
    expect(await first({})).toBe('2011-08-29 05:39:18 UTC');
    expect(await first({ 'x-date': 'UTC' })).toBe('2011-08-29 05:39:18 UTC');
    expect(await first({ 'x-date': 'America/New_York' })).toBe('2011-08-29 01:39:18 EDT');
    expect(await first({ 'x-date': 'Europe/London' })).toBe('2011-08-29 06:39:18 BST');
    expect(await first({ 'x-date': 'Mon, 29 Aug 2011 11:09:18 +0530' })).toBe(
      '2011-08-29 11:09:18 GMT+05:30',
    );
    expect(await first({ 'x-date': '2011-08-29T01:09:18-04:00' })).toBe(
      '2011-08-29 01:39:18 GMT-04:00',
    );
    expect(await first({ 'x-date': 'Mon, 29 Aug 2011 05:39:18 GMT' })).toBe(
      '2011-08-29 05:39:18 UTC',
    );
    for (const bad of [
      'Mars/Olympus',
      'Mon, 32 Aug 2011 11:09:18 +0530',
      '2011-08-29T11:09:18+25:00',
    ]) {
      const body = await problemOf(await get(BASE, { 'x-date': bad }), 400);
      expect(body.detail).toMatch(/^x-date: must be an IANA time zone/);
      expect(body.errors?.[0]?.field).toBe('x-date');
    }
  });

  it('filters with every operator', async () => {
    const t = (hms: string) => `super@2011-08-29 ${hms} IST`;
    const ist = { 'x-date': 'Asia/Kolkata' };
    expect(await matching("(userName eq 'maria')")).toEqual(['maria@2011-08-29 06:00:00 UTC']);
    expect(await matching('(userName ne super)')).toEqual([
      'ops@2011-08-28 23:59:59 UTC',
      'maria@2011-08-29 06:00:00 UTC',
    ]);
    expect(await matching('(userName gt ops)', ist)).toEqual([
      t('10:12:27'),
      t('10:16:18'),
      t('11:01:25'),
      t('11:09:18'),
    ]);
    expect(await matching('(userName ge ops)')).toHaveLength(5);
    expect(await matching('(userName lt ops)')).toEqual(['maria@2011-08-29 06:00:00 UTC']);
    expect(await matching('(userName le ops)')).toHaveLength(2);
    expect(await matching("(description contains 'discover')", ist)).toEqual([
      t('10:12:27'),
      t('11:01:25'),
    ]);
    expect(await matching("(taskName starts-with 'POST: /api/space/')", ist)).toEqual([
      t('10:12:27'),
      t('11:01:25'),
    ]);
    expect(await matching('(userIpAddr starts-with 10.)')).toEqual([
      'maria@2011-08-29 06:00:00 UTC',
    ]);
    expect(await matching('(userIpAddr ne 172.16.100.2)')).toEqual([
      'ops@2011-08-28 23:59:59 UTC',
      'maria@2011-08-29 06:00:00 UTC',
    ]);
    expect(await matching("(applicationName eq 'Network Management Platform')")).toHaveLength(1);
    // and binds tighter than or; parentheses group.
    expect(await matching('(userName eq ops or userName eq super and result eq 202)', ist)).toEqual(
      ['ops@2011-08-29 05:29:59 IST', t('10:12:27')],
    );
    expect(
      await matching('((userName eq ops) or (userName eq super)) and (result eq 202)', ist),
    ).toEqual([t('10:12:27')]);
  });

  it('compares logTime to the second, reading timestamp() in the x-date zone', async () => {
    const ist = { 'x-date': 'Asia/Kolkata' };
    const at = "timestamp('2011-08-29 11:01:25')";
    const t = (hms: string) => `super@2011-08-29 ${hms} IST`;
    // The seed's own sample requests.
    expect(await matching(`(logTime eq ${at})`, ist)).toEqual([t('11:01:25')]);
    expect(await matching(`(logTime gt ${at})`, ist)).toEqual([
      t('11:09:18'),
      'maria@2011-08-29 11:30:00 IST',
    ]);
    expect(await matching(`(logTime ge ${at})`, ist)).toHaveLength(3);
    expect(await matching(`(logTime lt ${at}) and (userName eq super)`, ist)).toEqual([
      t('10:12:27'),
      t('10:16:18'),
    ]);
    expect(await matching(`(logTime le ${at}) and (userName eq super)`, ist)).toHaveLength(3);
    expect(await matching(`(logTime ne ${at}) and (userName eq super)`, ist)).toHaveLength(3);
    // The same instant written in UTC, with no x-date; and 06:00:00.400 equals 06:00:00.
    expect(await matching("(logTime eq timestamp('2011-08-29 05:31:25'))")).toEqual([
      'super@2011-08-29 05:31:25 UTC',
    ]);
    expect(await matching("(logTime eq timestamp('2011-08-29 06:00:00'))")).toEqual([
      'maria@2011-08-29 06:00:00 UTC',
    ]);
    // A fixed offset from a dated x-date.
    expect(await matching(`(logTime eq ${at})`, { 'x-date': '2011-08-29T11:09:18+05:30' })).toEqual(
      ['super@2011-08-29 11:01:25 GMT+05:30'],
    );
  });

  it('filters result by the result code, else by the status as listed', async () => {
    const results = async (filter: string) =>
      (await listJson({ filter, sortby: '(logTime(ascending))' }))['audit-log'].map(
        (entry) => entry.result,
      );
    expect(await results('(result eq Success)')).toEqual(['Success', 'Success']);
    expect(await results('(result eq 202)')).toEqual(['202']);
    expect(await results("(result eq 'Job Scheduled')")).toEqual([]);
    expect(await results("(result eq 'Recurring Job Scheduled')")).toEqual([
      'Recurring Job Scheduled',
    ]);
    expect(await results('(result ne Success)')).toEqual([
      'Recurring Job Scheduled',
      '202',
      '200',
      'Failure',
    ]);
    expect(await results('(result starts-with 20)')).toEqual(['202', '200']);
    expect(await results("(result contains 'ail')")).toEqual(['Failure']);
    expect(await results('(result lt 3)')).toEqual(['202', '200']);
    expect(await results('(result gt Recurring)')).toEqual([
      'Recurring Job Scheduled',
      'Success',
      'Success',
    ]);
  });

  it('sorts by sortby and pages by paging, @size counting every match', async () => {
    const names = async (params: Record<string, string>) =>
      (await listJson(params))['audit-log'].map((entry) => entry.userName);
    // Default: newest first.
    expect(await names({})).toEqual(['maria', 'super', 'super', 'super', 'super', 'ops']);
    expect(await names({ sortby: '(logTime(ascending))' })).toEqual([
      'ops',
      'super',
      'super',
      'super',
      'super',
      'maria',
    ]);
    expect(await names({ sortby: '(userName(descending))' })).toEqual([
      'super',
      'super',
      'super',
      'super',
      'ops',
      'maria',
    ]);
    const byResult = await listJson({ sortby: '(result(ascending))' });
    expect(byResult['audit-log'].slice(0, 2).map((e) => e.result)).toEqual(['200', '202']);
    for (const field of ['userIpAddr', 'description', 'applicationName', 'taskName']) {
      expect(await names({ sortby: `(${field}(descending))` })).toHaveLength(6);
    }

    const page = await listJson({
      sortby: '(logTime(ascending))',
      paging: '(start eq 1, limit eq 2)',
    });
    expect(page['@size']).toBe('6');
    expect(page['audit-log'].map((e) => e.logTime)).toEqual([
      '2011-08-29 04:42:27 UTC',
      '2011-08-29 04:46:18 UTC',
    ]);
    const xmlPage = await listXml({ paging: '(limit eq 1, start eq 5)' });
    expect(xmlPage['@size']).toBe('6');
    expect(xmlPage['audit-log']?.map((e) => e.userName)).toEqual(['ops']);
    const past = await listXml({ paging: '(start eq 10, limit eq 5)' });
    expect(past['@size']).toBe('6');
    expect(past['audit-log']).toBeUndefined();
  });

  it('leaves out what an entry lacks, and escapes what it holds', async () => {
    const response = await get(query({ filter: '(userName eq maria) or (userName eq ops)' }));
    const text = await response.text();
    expect(text).toContain(
      '<description>Delete device &lt;edge-1&gt; &amp; &quot;core&quot;</description>',
    );
    const entries = (xmlParser.parse(text) as { 'audit-logs': { 'audit-log': Entry[] } })[
      'audit-logs'
    ]['audit-log'];
    expect(entries.map((e) => e.description)).toEqual([
      'Delete device <edge-1> & "core"',
      undefined,
    ]);
    expect(entries[1]).toEqual({
      '@key': expect.stringMatching(/^\d+$/),
      '@href': expect.any(String),
      '@uri': expect.any(String),
      userName: 'ops',
      logTime: '2011-08-28 23:59:59 UTC',
      taskName: 'Backup',
      result: 'Recurring Job Scheduled',
    });
  });

  it('answers a malformed parameter with a 400 saying where', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ filter: '(userName eq super' }, 'filter', /^filter: at 19: expected 'and', 'or' or '\)'/],
      [{ filter: '(user eq super)' }, 'filter', /^filter: at 2: unknown field 'user'/],
      [{ filter: '(userName like super)' }, 'filter', /^filter: at 11: unknown operator 'like'/],
      [
        { filter: "(logTime gt timestamp('yesterday'))" },
        'filter',
        /^filter: at 23: logTime: expected timestamp/,
      ],
      [{ filter: "(logTime contains '2011')" }, 'filter', /^filter: at 19: logTime: takes eq/],
      [
        { filter: "(userName eq timestamp('2011-08-29 11:01:25'))" },
        'filter',
        /^filter: at 24: userName: timestamp\(\) is for logTime only/,
      ],
      [
        { filter: '(userIpAddr gt banana)' },
        'filter',
        /^filter: at 16: userIpAddr: must be an IPv4 or IPv6 address/,
      ],
      [
        { sortby: '(logTime(sideways))' },
        'sortby',
        /^sortby: at 10: expected 'ascending' or 'descending'/,
      ],
      [{ sortby: '(logTime, userName)' }, 'sortby', /^sortby: at 11: one field only/],
      [{ paging: '(start eq 0, limit eq 0)' }, 'paging', /^paging: limit must be from 1 to 2000/],
      [{ paging: '(start eq 100001)' }, 'paging', /^paging: start must be at most 100000/],
      [{ paging: 'start=0' }, 'paging', /^paging: at 1: expected '\('/],
    ];
    for (const [params, field, detail] of cases) {
      const body = await problemOf(await get(query(params)), 400);
      expect(body.detail).toMatch(detail);
      expect(body.errors?.[0]?.field).toBe(field);
    }
    const twice = await get(`${BASE}?filter=(userName%20eq%20a)&filter=(userName%20eq%20b)`);
    expect((await problemOf(twice, 400)).detail).toBe('filter: give it once');
    const tooBig = Array.from({ length: 51 }, (_, i) => `(result eq ${i})`).join(' or ');
    expect((await problemOf(await get(query({ filter: tooBig })), 400)).detail).toMatch(
      /^filter: too large/,
    );
  });

  it('is read scope: auditors, admins and read tokens; 401 without credentials, 403 without read', async () => {
    const auditor = { username: 'junos-auditor', password: 'junos-auditor-password!' };
    await rest('POST', '/users', { ...auditor, role: 'auditor' }, { cookie });
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const revoked = await (async () => {
      const made = (await rest(
        'POST',
        '/tokens',
        { name: 'revoked', scopes: ['read'], tenant: 'junos' },
        { cookie },
      )) as { secret: string; token: { id: string } };
      await rest('DELETE', `/tokens/${made.token.id}`, undefined, { cookie });
      return made.secret;
    })();
    const matrix: [string, Record<string, string>, number][] = [
      ['anonymous', { authorization: '' }, 401],
      ['revoked token', { authorization: `Bearer ${revoked}` }, 401],
      ['wrong password', { authorization: basic(auditor.username, 'nope-nope-nope') }, 401],
      ['ingest token', { authorization: `Bearer ${ingestOnly}` }, 403],
      ['read token', {}, 200],
      ['X-Auth-Token read token', { authorization: '', 'x-auth-token': reader }, 200],
      ['auditor (Basic)', { authorization: basic(auditor.username, auditor.password) }, 200],
      ['admin (Basic)', { authorization: basic('admin', PASSWORD) }, 200],
      ['admin (session)', { authorization: '', cookie }, 200],
    ];
    for (const path of [BASE, `${BASE}/${keys[0]}`]) {
      for (const [who, headers, status] of matrix) {
        const response = await get(path, headers);
        expect(response.status, `${who} on ${path}`).toBe(status);
        if (status !== 200) await problemOf(response, status);
      }
    }
    // A bad filter from someone without credentials is still a 401.
    await problemOf(await get(query({ filter: '((' }), { authorization: '' }), 401);
  });

  it('is tenant-scoped: a token sees its own tenant only; a person sees every tenant', async () => {
    const other = await listJson({}, { authorization: `Bearer ${otherTenant}` });
    expect(other['@size']).toBe('1');
    expect(other['audit-log'].map((e) => e.userName)).toEqual(['super']);
    const admin = await listJson(
      { filter: '(userName eq super)' },
      { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    );
    expect(admin['@size']).toBe('5');
  });

  it('is described in /openapi.json', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          get: {
            parameters: { name: string }[];
            responses: Record<string, { content?: Record<string, unknown> }>;
          };
        }
      >;
      components: { schemas: Record<string, unknown> };
    };
    const list = document.paths[BASE]?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual([
      'filter',
      'sortby',
      'paging',
      'x-date',
      'Accept',
    ]);
    expect(Object.keys(list?.responses['200']?.content ?? {})).toEqual([
      'application/xml',
      VENDOR_XML,
      'application/json',
      VENDOR_JSON,
    ]);
    expect(Object.keys(list?.responses ?? {})).toEqual(['200', '400', '401', '403', '406', '503']);
    const one = document.paths[`${BASE}/{key}`]?.get;
    expect(one?.parameters.map((p) => p.name)).toEqual(['key', 'x-date', 'Accept']);
    expect(Object.keys(one?.responses ?? {})).toContain('404');
    expect(document.components.schemas).toHaveProperty('JunosAuditLogs');
    const checked = await new Validator().validate(document);
    expect(checked.errors ?? []).toEqual([]);
    expect(checked.valid).toBe(true);
  });

  // Last: it takes the database away from this server.
  it('answers 503 with Retry-After while the database is out of reach', async () => {
    const { raw } = store;
    if (raw.driver === 'postgres') {
      await raw.sql.end();
    } else {
      const refused = () =>
        Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
      Object.assign(raw.pglite, { query: refused, exec: refused, transaction: refused });
    }
    const response = await get(BASE);
    await problemOf(response, 503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
