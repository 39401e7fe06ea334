import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestDb } from '@audit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildServer } from './server';

/** A stand-in for packages/web/dist: an index.html and one hashed asset. */
function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets/index-abc123.js'), 'console.log("app")');
  return dir;
}

describe('serving the SPA', () => {
  const store = createTestDb();
  const app = store.then((s) =>
    buildServer({
      config: { LOG_LEVEL: 'silent' },
      store: s,
      archiveDir: tmpdir(),
      webDir: fakeWebBuild(),
    }),
  );
  beforeAll(async () => {
    await app;
  });
  afterAll(async () => {
    await (await app).close();
    await (await store).close();
  });

  it('answers a bookmarked app path with index.html, never cached', async () => {
    for (const url of [
      '/',
      '/jobs/12',
      '/settings',
      '/?status=%5B%22failure%22%5D&event=4',
      // The Archives page shares its first segment with the download route.
      '/archives',
      '/archives?kind=purge',
    ]) {
      const response = await (await app).inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<div id="root">');
    }
    const index = await (await app).inject({ url: '/', headers: { accept: 'text/html' } });
    expect(index.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets with a long cache', async () => {
    const response = await (await app).inject({ url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log("app")');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('keeps JSON 404s for API paths and for missing files', async () => {
    for (const url of ['/trpc/nothing.here', '/archives/1/nothing', '/assets/missing.js']) {
      const response = await (await app).inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/json');
    }
  });
});
