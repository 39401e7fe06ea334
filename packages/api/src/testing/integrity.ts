import { expect } from 'vitest';

import type { VerifyReport } from '../integrity/verify';
import type { TestApp } from './harness';

/**
 * Seals what is pending, then verifies the whole chain: intact, and `purged` sealed events
 * accounted for by signed purge receipts (not missing).
 */
export async function expectSealsIntact(app: TestApp, purged: number): Promise<VerifyReport> {
  await app.seal();
  const report = await app.verify();
  expect(report.problems).toEqual([]);
  expect(report).toMatchObject({ ok: true, purgedEvents: purged });
  return report;
}
