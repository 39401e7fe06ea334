// `pnpm start` rebuilds the SPA when any file its last build read has changed
// (scripts/ensure-built.mjs, tooling/build-inputs.mjs). Regression: only packages/web's own
// sources were compared, so an edit in @audit/db/fields or @audit/api/filters was served stale.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { staleReason, writeBuildInputs } from '../../../tooling/build-inputs.mjs';

const web = join(import.meta.dirname, '..');

describe('staleness of a build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-build-inputs-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string) => join(dir, name);

  it('is fresh until an input changes or is gone, or the record or an output is missing', () => {
    const record = file('inputs.json');
    const output = file('out.js');
    const startedAt = Date.now();
    for (const name of ['a.ts', 'b.ts', 'out.js']) writeFileSync(file(name), name);
    // Sources saved before the build started, as when it ran after the last edit.
    const before = new Date(startedAt - 60_000);
    for (const name of ['a.ts', 'b.ts']) utimesSync(file(name), before, before);
    expect(staleReason(record, [output])).toMatch(/inputs\.json is missing/);

    writeBuildInputs(record, { startedAt, base: dir, inputs: ['a.ts', file('b.ts')] });
    expect(staleReason(record, [output])).toBeNull();
    // Stored relative to the record, so a moved checkout keeps its builds.
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({
      startedAt,
      inputs: ['a.ts', 'b.ts'],
    });
    expect(staleReason(record, [output, file('gone.js')])).toMatch(/gone\.js is missing/);

    // Saved after the build started (even while it ran): changed.
    const after = new Date(startedAt + 1000);
    utimesSync(file('b.ts'), after, after);
    expect(staleReason(record, [output])).toMatch(/b\.ts changed/);
    utimesSync(file('b.ts'), before, before);
    expect(staleReason(record, [output])).toBeNull();

    rmSync(file('a.ts'));
    expect(staleReason(record, [output])).toMatch(/a\.ts is gone/);
    writeFileSync(record, '{not json');
    expect(staleReason(record, [output])).toMatch(/unreadable/);
  });
});

describe("the SPA's build record (written by vite.config.ts)", () => {
  it('names the workspace sources the browser imports, besides its own and its configuration', () => {
    const record = join(web, 'node_modules/.cache/build-inputs.json');
    const { inputs } = JSON.parse(readFileSync(record, 'utf8')) as { inputs: string[] };
    const files = inputs.map((input) => resolve(dirname(record), input));
    for (const expected of [
      '../db/src/event-fields.ts', // @audit/db/fields
      '../db/src/values.ts', // @audit/db/values
      '../api/src/filters/public.ts', // @audit/api/filters
      'src/main.tsx',
      'index.html',
      'vite.config.ts',
      'package.json',
    ]) {
      expect(files).toContain(resolve(web, expected));
    }
    // Its dependencies too: an upgrade changes their paths.
    expect(files.some((f) => f.includes('/node_modules/react-dom/'))).toBe(true);
  });
});
