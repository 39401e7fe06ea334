import { generateSeed } from '@audit/db/seed';
import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildServer } from '../server';
import { createTestApp, unzipText, type Caller, type TestApp } from '../testing/harness';

const sha256 = async (text: string) =>
  (await import('node:crypto')).createHash('sha256').update(text).digest('hex');

describe('exports', () => {
  let app: TestApp;
  let reader: Caller;
  let readSecret: string;
  let http: FastifyInstance;
  const NASTY = [
    '=HYPERLINK("http://evil")',
    '+1+1',
    '-2',
    '@SUM(A1)',
    'tab\tinside',
    'line\nbreak, "quoted"',
  ];

  beforeAll(async () => {
    app = await createTestApp();
    const ingest = (await app.token(['ingest'], { tenant: 'acme' })).caller;
    const read = await app.token(['read'], { tenant: 'acme' });
    reader = read.caller;
    readSecret = read.secret;
    const events = [];
    for (const chunk of generateSeed(
      { events: 2500, days: 20, tenants: 1, end: new Date('2026-06-01T00:00:00Z'), seed: 3 },
      2500,
    )) {
      for (const { jobIndex: _j, tenant: _t, occurredAt, ...event } of chunk.events)
        events.push({ ...event, occurredAt: occurredAt.toISOString() });
    }
    NASTY.forEach((description, i) =>
      events.push({
        userName: 'nasty',
        taskName: 'Login',
        status: 'failure',
        occurredAt: `2026-05-20T0${i}:00:00.000Z`,
        description,
      }),
    );
    for (let i = 0; i < events.length; i += 1000)
      await ingest.auditLogs.record({ events: events.slice(i, i + 1000) });
    http = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store: app.store,
      archiveDir: app.archiveDir,
    });
  });
  afterAll(async () => {
    await http.close();
    await app.close();
  });

  async function exportAndDownload(input: Parameters<Caller['exports']['create']>[0]) {
    const job = await reader.exports.create(input);
    expect(job).toMatchObject({ type: 'export', state: 'scheduled' });
    await app.runJobs();
    const done = await reader.jobs.byId({ id: job.id });
    expect(done).toMatchObject({ state: 'success', percent: 100 });
    const archive = (await reader.exports.list({ kind: 'export' })).items.find(
      (a) => a.jobId === job.id,
    );
    expect(archive).toBeDefined();
    const response = await http.inject({
      method: 'GET',
      url: archive!.downloadUrl,
      headers: { authorization: `Bearer ${readSecret}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="${archive!.fileName}"`,
    );
    return { archive: archive!, files: await unzipText(response.rawPayload) };
  }

  it('exports CSV: every field of every matching row, times in the asked zone, formulas neutralised', async () => {
    const expected = (
      await reader.auditLogs.list({
        filter: { status: 'failure' },
        sort: { field: 'occurredAt', direction: 'asc' },
        limit: 2000,
      })
    ).items;
    const { archive, files } = await exportAndDownload({
      filter: { status: 'failure' },
      format: 'csv',
      timeZone: 'Asia/Tokyo',
    });
    const data = files['events.csv']!;
    const manifest = JSON.parse(files['manifest.json']!) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      kind: 'export',
      format: 'csv',
      timeZone: 'Asia/Tokyo',
      rowCount: expected.length,
      dataFile: 'events.csv',
      jobId: archive.jobId,
      filters: { status: ['failure'] },
    });
    expect(manifest.sha256).toBe(await sha256(data));
    expect(archive).toMatchObject({
      rowCount: expected.length,
      sha256: manifest.sha256,
      tenant: 'acme',
    });

    const rows = parseCsv<Record<string, string>>(data, { columns: true });
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const event = expected[i]!;
      expect(row.occurredAt).toMatch(/\+09:00$/);
      expect(Date.parse(row.occurredAt!)).toBe(Date.parse(event.occurredAt));
      expect(Date.parse(row.recordedAt!)).toBe(Date.parse(event.recordedAt));
      for (const field of [
        'id',
        'eventId',
        'tenant',
        'userName',
        'taskName',
        'status',
        'application',
        'objectName',
      ] as const) {
        expect(row[field], field).toBe(event[field] ?? '');
      }
      const neutral = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));
      expect(row.description).toBe(neutral(event.description));
      expect(JSON.parse(row.affectedObjects!)).toEqual(event.affectedObjects);
      expect(row.changes ? JSON.parse(row.changes) : null).toEqual(event.changes);
      expect(JSON.parse(row.metadata!)).toEqual(event.metadata);
    });
    for (const nasty of NASTY.slice(0, 4))
      expect(rows.some((r) => r.description === `'${nasty}`)).toBe(true);
  });

  it.each(['json', 'ndjson'] as const)('exports %s with every field intact', async (format) => {
    const expected = (
      await reader.auditLogs.list({
        filter: { userName: ['nasty', 'super'] },
        sort: { field: 'occurredAt', direction: 'asc' },
        limit: 2000,
      })
    ).items;
    const { files } = await exportAndDownload({
      filter: { userName: ['nasty', 'super'] },
      format,
      timeZone: 'UTC',
    });
    const data = files[`events.${format}`]!;
    const parsed = (
      format === 'json'
        ? JSON.parse(data)
        : data
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>)
    ) as Record<string, unknown>[];
    expect(parsed).toHaveLength(expected.length);
    parsed.forEach((row, i) => {
      const event = expected[i]!;
      expect({
        ...row,
        occurredAt: new Date(row.occurredAt as string).toISOString(),
        recordedAt: new Date(row.recordedAt as string).toISOString(),
      }).toEqual(event);
    });
  });

  it('exports only the token’s tenant, and another tenant cannot download it', async () => {
    const other = await app.token(['read'], { tenant: 'globex' });
    const { archive } = await exportAndDownload({ format: 'csv' });
    const total = (await reader.auditLogs.list({})).total;
    expect(archive.rowCount).toBe(total);
    expect((await other.caller.exports.list({})).items).toHaveLength(0);
    const denied = await http.inject({
      method: 'GET',
      url: archive.downloadUrl,
      headers: { authorization: `Bearer ${other.secret}` },
    });
    expect(denied.statusCode).toBe(404);
    const anonymous = await http.inject({ method: 'GET', url: archive.downloadUrl });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ error: 'sign in, or send an API token' });
    const ingestOnly = await app.token(['ingest']);
    const forbidden = await http.inject({
      method: 'GET',
      url: archive.downloadUrl,
      headers: { authorization: `Bearer ${ingestOnly.secret}` },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ error: 'this token lacks the "read" scope' });
    expect(
      (
        await http.inject({
          method: 'GET',
          url: '/archives/999999/download',
          headers: { authorization: `Bearer ${readSecret}` },
        })
      ).statusCode,
    ).toBe(404);
    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: ['exports.create', 'archives.download'] },
    });
    expect(trail.items.length).toBeGreaterThanOrEqual(2);
  });

  it('a cancelled export leaves no file and no archive', async () => {
    const files = () => readdirSync(app.archiveDir).sort();
    const before = files();
    const job = await reader.exports.create({ format: 'csv' });
    await app
      .runner({
        // Cancelled while it streams: its next progress report sees the request.
        faults: async (point) => {
          if (point === 'export-batch') await app.admin.jobs.cancel({ id: job.id });
        },
      })
      .runOnce();
    const state = await reader.jobs.byId({ id: job.id });
    expect(state).toMatchObject({ state: 'canceled', summary: 'Canceled' });
    expect(files()).toEqual(before); // neither the .zip nor a .partial
    expect((await reader.exports.list({})).items.some((a) => a.jobId === job.id)).toBe(false);
    expect(existsSync(app.archiveDir)).toBe(true);
  });
});
