import { eventKeys, events, queryRows } from '@audit/db';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';

import type { TestApp } from './harness';

/**
 * Every stored event holds its eventId's key and every key points at a stored event: what
 * a purge removes, it removes from both (a full scan of each; for tests).
 */
export async function expectEventKeysMatchEvents(app: TestApp): Promise<void> {
  const [row] = await queryRows<{ unkeyed: number; orphaned: number }>(
    app.store.db,
    sql`SELECT
          (SELECT count(*)::int FROM ${events} e WHERE NOT EXISTS (
             SELECT 1 FROM ${eventKeys} k
             WHERE k.tenant = e.tenant AND k.event_id = e.event_id AND k.occurred_at = e.occurred_at
           )) AS unkeyed,
          (SELECT count(*)::int FROM ${eventKeys} k WHERE NOT EXISTS (
             SELECT 1 FROM ${events} e
             WHERE k.tenant = e.tenant AND k.event_id = e.event_id AND k.occurred_at = e.occurred_at
           )) AS orphaned`,
  );
  expect(row).toEqual({ unkeyed: 0, orphaned: 0 });
}
