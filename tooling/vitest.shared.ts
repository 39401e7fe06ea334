import { basename } from 'node:path';

import { defineConfig } from 'vitest/config';

const root = new URL('..', import.meta.url).pathname;

/**
 * Test settings every package shares. Besides the usual console report, each run writes a
 * JSON report to <root>/test-results/, which .ci/run adds up into one closing line.
 */
export function sharedVitestConfig(packageDir: string) {
  const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  return defineConfig({
    test: {
      // PGlite takes a few seconds to start; PostgreSQL databases are created per file.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ['default', 'json'],
      outputFile: { json: `${root}test-results/${basename(packageDir)}-${database}.json` },
    },
  });
}
