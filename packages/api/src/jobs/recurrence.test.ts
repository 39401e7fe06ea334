import { queryRows, type AuditDb } from '@audit/db';
import { createTestDb } from '@audit/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDuration, nextRun } from './recurrence';

describe('recurrence intervals', () => {
  let store: AuditDb;
  beforeAll(async () => {
    store = await createTestDb();
  });
  afterAll(() => store.close());

  it('regression: P1M from 31 January was 3 March; it is the last of February, as in PostgreSQL', async () => {
    const cases: [string, string][] = [
      ['2026-01-31T02:00:00.000Z', 'P1M'],
      ['2024-01-31T02:00:00.000Z', 'P1M'],
      ['2024-02-29T12:00:00.000Z', 'P1Y'],
      ['2026-03-31T23:30:00.000Z', 'P1M'],
      ['2026-08-31T00:00:00.000Z', 'P1Y6M'],
      ['2026-12-31T10:00:00.000Z', 'P2M1DT12H'],
      ['2026-05-15T10:00:00.000Z', 'P1W'],
      ['0001-01-31T00:00:00.000Z', 'P1M'],
    ];
    for (const [from, duration] of cases) {
      const [pg] = await queryRows<{ at: string }>(
        store.db,
        sql`SELECT to_char((${from}::timestamptz + ${duration}::interval) AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`,
      );
      expect(addDuration(new Date(from), duration).toISOString(), `${from} + ${duration}`).toBe(
        pg?.at,
      );
    }
  });

  it('adds ISO-8601 durations in UTC, calendar-aware; the next run skips what was missed', () => {
    const at = new Date('2026-01-31T03:00:00.000Z');
    expect(addDuration(at, 'P1D').toISOString()).toBe('2026-02-01T03:00:00.000Z');
    expect(addDuration(at, 'PT6H30M').toISOString()).toBe('2026-01-31T09:30:00.000Z');
    expect(addDuration(at, 'P1W').toISOString()).toBe('2026-02-07T03:00:00.000Z');
    expect(addDuration(at, 'P1M').toISOString()).toBe('2026-02-28T03:00:00.000Z');
    expect(() => addDuration(at, '1 day')).toThrow('not an ISO-8601 duration');
    expect(nextRun(at, 'P1D', new Date('2026-02-05T12:00:00Z')).toISOString()).toBe(
      '2026-02-06T03:00:00.000Z',
    );
  });
});
