import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import createClient from 'openapi-fetch';
import type { oas31 } from 'openapi3-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, serveTestApp, unzipText, type TestApp } from '../testing/harness';
import { JUNOS_SPACE_SAMPLES, SDN_SAMPLES } from '../testing/seed-samples';
import type { paths } from './openapi-types.gen';
import { committedTypes, generatedTypes } from './openapi-types';
import { SURFACES } from './surfaces';

describe('/openapi.json and a client generated from it', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let base: string;
  let document: oas31.OpenAPIObject;

  beforeAll(async () => {
    app = await createTestApp();
    ({ server, base } = await serveTestApp(app));
    const response = await fetch(`${base}/openapi.json`);
    expect(response.headers.get('content-type')).toContain('application/json');
    document = (await response.json()) as oas31.OpenAPIObject;
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('describes every surface, and each operation it describes is served', async () => {
    expect(document.tags?.map((tag) => tag.name)).toEqual(SURFACES.map((s) => s.tag.name));
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const { method, path } of operations) {
      const concrete = path.replace(/\{\w+\}/g, '1');
      const response = await fetch(`${base}${concrete}`, { method });
      // Without credentials every one of them is refused (401) or, with a placeholder id,
      // refused as bad input (400): never "no such route".
      expect([400, 401], `${method} ${path}`).toContain(response.status);
      expect(response.headers.get('content-type'), `${method} ${path}`).toContain(
        'application/problem+json',
      );
    }
  });

  it('gives the committed generated types (pnpm --filter @audit/api openapi:types)', async () => {
    expect(await generatedTypes(document)).toBe(committedTypes());
  });

  it('records, lists, exports and downloads through openapi-fetch with those types', async () => {
    const { secret } = await app.token(['ingest', 'read']);
    const client = createClient<paths>({
      baseUrl: base,
      headers: { authorization: `Bearer ${secret}` },
    });

    const recorded = await client.POST('/api/v1/events', {
      body: { events: [...SDN_SAMPLES, ...JUNOS_SPACE_SAMPLES] },
    });
    expect(recorded.error).toBeUndefined();
    expect(recorded.data?.stored).toBe(SDN_SAMPLES.length + JUNOS_SPACE_SAMPLES.length);

    const listed = await client.GET('/api/v1/events', {
      params: {
        query: { userName: 'super', status: ['success', 'job_scheduled'], sort: 'occurredAt' },
      },
    });
    expect(listed.data?.items.map((e) => e.occurredAt)).toEqual([
      '2011-08-29T04:42:27.000Z',
      '2011-08-29T04:46:18.000Z',
      '2011-08-29T05:31:25.000Z',
    ]);
    const one = listed.data?.items[1];
    expect(one).toMatchObject({ taskName: 'Login', userIp: '172.16.100.2', application: 'REST' });

    const invalid = await client.GET('/api/v1/events', { params: { query: { limit: 0 } } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ errors: [{ field: 'limit' }] });

    const started = await client.POST('/api/v1/exports', {
      body: { filter: { systemId: 'a1adf6a0-13d3-45de-bf66-acc504e84dba' }, format: 'csv' },
    });
    expect(started.response.status).toBe(202);
    const jobId = started.data?.id ?? '';
    await app.runJobs();
    const job = await client.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } } });
    expect(job.data?.state).toBe('success');

    const archives = await client.GET('/api/v1/exports', { params: { query: { kind: 'export' } } });
    const archive = archives.data?.items.find((a) => a.jobId === jobId);
    expect(archive?.rowCount).toBe(SDN_SAMPLES.length);
    const download = await client.GET('/api/v1/archives/{id}/download', {
      params: { path: { id: archive?.id ?? '' } },
      parseAs: 'arrayBuffer',
    });
    expect(download.response.headers.get('content-type')).toBe('application/zip');
    const files = await unzipText(Buffer.from(download.data as ArrayBuffer));
    const csv = Object.entries(files).find(([name]) => name.endsWith('.csv'))?.[1] ?? '';
    for (const sample of SDN_SAMPLES) expect(csv).toContain(sample.eventId);
  });
});
