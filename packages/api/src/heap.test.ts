import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { heapLimitWarning, SERVER_HEAP_LIMIT_MB } from './heap';

const MB = 1024 * 1024;

describe('the server heap limit', () => {
  // `pnpm start` is the repository's script: it execs node on the server bundle.
  const { scripts } = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { scripts: Record<string, string> };

  it('is what `pnpm start` gives the server, and keeps V8 from the warned-of growth', () => {
    const flag = /--max-old-space-size=(\d+)/.exec(scripts.start ?? '');
    expect(flag?.[1], scripts.start).toBe(String(SERVER_HEAP_LIMIT_MB));
    // The heap limit V8 derives from the flag (old generation plus young).
    const limit = Number(
      execFileSync(
        process.execPath,
        [flag![0], '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'],
        { encoding: 'utf8' },
      ),
    );
    expect(limit).toBeGreaterThanOrEqual(SERVER_HEAP_LIMIT_MB * MB);
    expect(heapLimitWarning(limit)).toBeNull();
  });

  it('warns a server started with a heap limit of 2 GB or more, saying how to start it', () => {
    expect(heapLimitWarning(4144 * MB)).toMatch(
      new RegExp(`4,144 MB.*--max-old-space-size=${SERVER_HEAP_LIMIT_MB}`),
    );
    expect(heapLimitWarning(2048 * MB)).not.toBeNull();
    expect(heapLimitWarning(2047 * MB)).toBeNull();
  });
});
