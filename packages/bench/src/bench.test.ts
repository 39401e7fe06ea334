import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_CHROMIUM, FIRST_ROWS_TARGET_MS, inputOf } from './browser';
import { readScenarios } from './listing';
import { DEFAULT_OUT, parseOptions, selected } from './options';
import { PAGE_OPEN_IDS } from './page-open';
import type { Report } from './report';

const packageDir = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'audit-bench-test-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: packageDir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, output });
    });
  });
}

describe('pnpm bench options', () => {
  it('runs a quick smoke run on the database the environment names, never into the committed file', () => {
    const tmp = () => join(work, 'quick.md');
    expect(parseOptions(['--quick'], {}, tmp)).toMatchObject({
      targets: ['pglite'],
      out: join(work, 'quick.md'),
    });
    expect(
      parseOptions(['--', '--quick'], { DATABASE_URL: 'postgres://x@127.0.0.1/db' }, tmp),
    ).toMatchObject({ targets: ['pg'], pgUrl: 'postgres://x@127.0.0.1/db' });
    expect(parseOptions([], {}, tmp)).toMatchObject({
      targets: ['pg', 'pglite'],
      events: 10_000_000,
      pgliteEvents: 1_000_000,
      out: DEFAULT_OUT,
    });
    expect(parseOptions([], {}, tmp).exportRows).toEqual([1_000_000, 5_000_000]);
    expect(
      parseOptions(['--export-rows', '5,000,000', '--export-rows', '1_000_000'], {}, tmp)
        .exportRows,
    ).toEqual([1_000_000, 5_000_000]);
    expect(parseOptions(['--export-rows', '300'], {}, tmp).exportRows).toEqual([300]);
    expect(() => parseOptions(['--export-rows', '0'], {}, tmp)).toThrow(/--export-rows/);
    expect(() => parseOptions(['--db', 'mysql'], {}, tmp)).toThrow(/--db: expected pg, pglite/);
    expect(() => parseOptions(['--events', '0'], {}, tmp)).toThrow(/--events/);
  });

  it("finds Chromium where it is told to, else CHROMIUM_PATH, else Debian's", () => {
    const tmp = () => join(work, 'quick.md');
    expect(parseOptions([], {}, tmp).chromium).toBe(DEFAULT_CHROMIUM);
    expect(parseOptions([], { CHROMIUM_PATH: '/opt/c' }, tmp).chromium).toBe('/opt/c');
    expect(parseOptions(['--chromium', '/x/c'], { CHROMIUM_PATH: '/opt/c' }, tmp).chromium).toBe(
      '/x/c',
    );
  });

  it("reads the page's inputs from its tRPC requests, batched or not", () => {
    const batch =
      'http://h/trpc/auditLogs.list,auditLogs.facets?batch=1&input=' +
      encodeURIComponent(JSON.stringify({ 0: { limit: 50 }, 1: { limit: 5 } }));
    const single = `http://h/trpc/auth.me?input=${encodeURIComponent('{"a":1}')}`;
    expect(inputOf([single, batch], 'auditLogs.facets')).toEqual({ limit: 5 });
    expect(inputOf([single, batch], 'auditLogs.list')).toEqual({ limit: 50 });
    expect(inputOf([single], 'auth.me')).toEqual({ a: 1 });
    expect(() => inputOf([single], 'auditLogs.histogram')).toThrow(/no auditLogs.histogram/);
  });

  it('selects scenarios by id or by prefix', () => {
    const options = { scenarios: ['list', 'sort.userName'] };
    expect(selected(options, 'list.first')).toBe(true);
    expect(selected(options, 'sort.userName.asc')).toBe(true);
    expect(selected(options, 'sort.user')).toBe(false);
    expect(selected(options, 'sort.userIp.asc')).toBe(false);
    expect(selected({ scenarios: null }, 'purge.plain')).toBe(true);
  });
});

describe('pnpm bench --quick', () => {
  it('loads events, runs every scenario and writes the results table', async () => {
    const out = join(work, 'results.md');
    const json = join(work, 'results.json');
    const db = process.env.DATABASE_URL ? 'pg' : 'pglite';
    const { code, output } = await run(['--quick', '--db', db, '--out', out, '--json', json]);
    expect(code, output).toBe(0);

    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result?.target).toBe(db);
    const rows = result?.rows ?? [];
    // The browser scenario runs where Chromium is (CI installs it); by hand it may be skipped.
    const chromium = existsSync(process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM);
    const browserRows = chromium
      ? ['browser.rows', 'browser.histogram', 'browser.facets', 'browser.rowsFirstVisit']
      : ['browser'];
    const expected = [
      ...readScenarios({ cursorPage: 20 }).map((s) => s.id),
      ...PAGE_OPEN_IDS,
      ...browserRows,
      'integrity',
      'ingest',
      'export.2000',
      'export.5000',
      'purge.plain',
      'purge.archived',
      // PGlite's footprint: the server in its own process (PGlite only).
      ...(db === 'pglite'
        ? [
            'first.peak',
            'first.idle',
            'first.requests',
            'loaded.peak',
            'loaded.idle',
            'loaded.requests',
          ].map((id) => `memory.${id}`)
        : []),
    ];
    expect(rows.map((r) => r.id)).toEqual(expected);
    for (const row of rows) {
      expect(row.error, row.id).toBeUndefined();
      if (row.timing) {
        expect(row.timing.ours.n, row.id).toBeGreaterThanOrEqual(3);
        expect(row.timing.ours.p95, row.id).toBeGreaterThan(0);
        expect(row.timing.direct.p95, row.id).toBeGreaterThan(0);
        // Page opens and the browser time whole screens; their statements are the scenarios above.
        if (!PAGE_OPEN_IDS.includes(row.id) && !row.id.startsWith('browser.'))
          expect(row.explains?.length, row.id).toBeGreaterThan(0);
      } else if (row.id === 'browser') {
        expect(row.cells?.ours).toBe('skipped');
        expect(row.note).toMatch(/no Chromium at/);
      } else {
        expect(row.cells?.ours, row.id).toMatch(/\d/);
        expect(row.cells?.direct, row.id).toMatch(/\d/);
      }
    }

    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('## Machine');
    // prettier pads the table's cells
    expect(markdown).toMatch(/\| scenario +\| ours median +\| ours p95 +\| direct median/);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const row of rows) {
      expect(markdown).toMatch(new RegExp(`\\| ${escape(row.label)} *\\|`));
    }
    if (chromium) {
      // The first screen's rows are held to their target; the JavaScript it loads is noted.
      const firstRows = rows.find((r) => r.id === 'browser.rows');
      expect(firstRows?.target).toMatch(new RegExp(`^first rows ≤ ${FIRST_ROWS_TARGET_MS} ms: `));
      expect(markdown).toMatch(/JavaScript the first screen loads \(empty cache\): \d+ KiB/);
    }
    expect(markdown).toContain('## EXPLAIN (ANALYZE, BUFFERS)');
    expect(markdown).toMatch(/Index (Only )?Scan/);
    // About 2 minutes alone; CI runs it beside every other package's tests (the API's grew with
    // the HTTP surfaces and their fuzzing), which on a 2-core machine can quadruple it.
  }, 900_000);
});
