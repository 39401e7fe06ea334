import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  applySeqs,
  compactProducerSeqs,
  insertEvents,
  MAX_GAP_RANGES,
  queryRows,
  type AuditDb,
  type EventInput,
  type GapRange,
  type ProducerState,
} from './index';
import { createTestDb } from './testing';

const T0 = new Date('2026-03-04T05:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** Gaps as [first, last] pairs (missing = the whole range unless said). */
const ranges = (state: ProducerState) => state.gaps.map((g) => [g.firstSeq, g.lastSeq]);

/** A producer's state after batches given in arrival order. */
function fold(batches: number[][], start?: ProducerState): ProducerState {
  let state = start;
  batches.forEach((seqs, i) => {
    state = applySeqs(state, seqs, at(i));
  });
  if (!state) throw new Error('no batch');
  return state;
}

describe('applySeqs: a producer state after each batch', () => {
  it('keeps no gap for numbers in order, and raises the mark', () => {
    const state = fold([[1, 2, 3], [4], [5, 6]]);
    expect(state.highSeq).toBe(6);
    expect(state.gaps).toEqual([]);
    expect(state.firstSeenAt).toEqual(at(0));
    expect(state.lastSeenAt).toEqual(at(2));
  });

  it('opens a gap for skipped numbers, since the batch that skipped them', () => {
    const state = fold([
      [1, 2],
      [5, 6, 9],
    ]);
    expect(state.highSeq).toBe(9);
    expect(state.gaps).toEqual<GapRange[]>([
      { firstSeq: 3, lastSeq: 4, missing: 2, since: at(1) },
      { firstSeq: 7, lastSeq: 8, missing: 2, since: at(1) },
    ]);
  });

  it('counts a first batch from 1: numbers before it are missing until they come', () => {
    expect(ranges(fold([[4, 5]]))).toEqual([[1, 3]]);
    expect(
      ranges(
        fold([
          [4, 5],
          [1, 2, 3],
        ]),
      ),
    ).toEqual([]);
  });

  it('closes a gap a late number fills, and splits one it falls inside', () => {
    expect(ranges(fold([[1], [10], [2, 3, 4, 5, 6, 7, 8, 9]]))).toEqual([]);
    const split = fold([[1], [10], [4, 6]]);
    expect(ranges(split)).toEqual([
      [2, 3],
      [5, 5],
      [7, 9],
    ]);
    // The pieces keep the time the gap opened.
    expect(split.gaps.every((g) => g.since.getTime() === at(1).getTime())).toBe(true);
    expect(ranges(fold([[1], [10], [2], [9]]))).toEqual([[3, 8]]);
  });

  it('reaches the same gaps whatever order the batches arrive in', () => {
    const batches = [[1, 2, 3], [7, 8], [4], [12], [10, 11]];
    const expected = [
      [5, 6],
      [9, 9],
    ];
    expect(ranges(fold(batches))).toEqual(expected);
    expect(ranges(fold([...batches].reverse()))).toEqual(expected);
    expect(ranges(fold([batches[3]!, batches[0]!, batches[4]!, batches[2]!, batches[1]!]))).toEqual(
      expected,
    );
  });

  it('ignores repeats: numbers at or below the mark outside every gap', () => {
    const before = fold([[1, 2], [5]]);
    const after = applySeqs(before, [1, 2, 5, 5], at(9));
    expect(after.gaps).toEqual(before.gaps);
    expect(after.highSeq).toBe(5);
    expect(after.lastSeenAt).toEqual(at(9));
  });

  it(`keeps at most ${MAX_GAP_RANGES} ranges, merging the lowest ones and counting what they missed`, () => {
    // 1, 3, 5, …: every even number missing, one range each.
    const odd = Array.from({ length: MAX_GAP_RANGES + 5 }, (_, i) => 2 * i + 1);
    const state = applySeqs(undefined, odd, at(0));
    expect(state.gaps).toHaveLength(MAX_GAP_RANGES);
    const [merged, next] = state.gaps;
    // 1004 ranges (2, 4, …, 2008): the lowest five, 2 to 10, merged into one.
    expect(merged).toEqual({ firstSeq: 2, lastSeq: 10, missing: 5, since: at(0) });
    expect(next).toEqual({ firstSeq: 12, lastSeq: 12, missing: 1, since: at(0) });
    // A number arriving inside the merged range counts it down; the last one closes it.
    const less = applySeqs(state, [4, 6, 8, 10], at(1));
    expect(less.gaps[0]).toEqual({ firstSeq: 2, lastSeq: 10, missing: 1, since: at(0) });
    expect(applySeqs(less, [2], at(2)).gaps[0]).toEqual(next);
  });
});

describe('producer sequences through insertEvents and compactProducerSeqs', () => {
  let store: AuditDb;
  beforeAll(async () => {
    store = await createTestDb();
  });
  afterAll(async () => {
    await store.close();
  });

  const event = (producerId: string | null, producerSeq: number | null, tenant = 'default') =>
    ({
      occurredAt: T0,
      userName: 'svc',
      taskName: 'tenant.create',
      status: 'success',
      tenant,
      producerId,
      producerSeq,
    }) satisfies EventInput;

  async function gapsOf(producerId: string, tenant = 'default') {
    return queryRows<{ first_seq: string; last_seq: string; missing: string; since: string }>(
      store.db,
      sql`SELECT first_seq::text, last_seq::text, missing::text,
                 (extract(epoch FROM since) * 1000)::bigint::text AS since
          FROM producer_gaps WHERE tenant = ${tenant} AND producer_id = ${producerId}
          ORDER BY first_seq`,
    );
  }

  async function markOf(producerId: string, tenant = 'default') {
    const [row] = await queryRows<{ high_seq: string }>(
      store.db,
      sql`SELECT high_seq::text FROM producers WHERE tenant = ${tenant} AND producer_id = ${producerId}`,
    );
    return row ? Number(row.high_seq) : undefined;
  }

  async function pendingDeltas() {
    const [row] = await queryRows<{ n: number }>(
      store.db,
      sql`SELECT count(*)::int AS n FROM producer_seq_deltas`,
    );
    return row?.n;
  }

  it('appends one delta per producer and batch, in the statement that stores it, and none without a producer', async () => {
    await insertEvents(store.db, [event(null, null), event('p-none', null)], at(0));
    expect(await pendingDeltas()).toBe(0);
    await insertEvents(
      store.db,
      [event('p-a', 1), event('p-b', 1), event('p-a', 2), event('p-a', 4)],
      at(0),
    );
    expect(await pendingDeltas()).toBe(2);
    // A batch that fails stores neither its events nor its numbers.
    await expect(
      store.db.transaction(async (tx) => {
        await insertEvents(tx, [event('p-a', 3)], at(1));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await pendingDeltas()).toBe(2);

    expect(await compactProducerSeqs(store.db, { wait: true })).toBe(2);
    expect(await pendingDeltas()).toBe(0);
    expect(await markOf('p-a')).toBe(4);
    expect(await markOf('p-b')).toBe(1);
    expect(await markOf('p-none')).toBeUndefined();
    expect(await gapsOf('p-a')).toEqual([
      { first_seq: '3', last_seq: '3', missing: '1', since: String(at(0).getTime()) },
    ]);
    expect(await gapsOf('p-b')).toEqual([]);
  });

  it('closes a gap when its number arrives, and a retried event (same eventId) changes nothing', async () => {
    const late = { ...event('p-a', 3), eventId: crypto.randomUUID() };
    await insertEvents(store.db, [late], at(5));
    await compactProducerSeqs(store.db);
    expect(await gapsOf('p-a')).toEqual([]);

    const [retry] = await insertEvents(store.db, [late], at(6));
    expect(retry?.outcome).toBe('duplicate');
    await compactProducerSeqs(store.db);
    expect(await gapsOf('p-a')).toEqual([]);
    expect(await markOf('p-a')).toBe(4);
  });

  it('counts an event sent again by a new recorder (same eventId, other producer) as seen, and a duplicate', async () => {
    const eventId = crypto.randomUUID();
    const [first] = await insertEvents(store.db, [{ ...event('p-c', 1), eventId }], at(0));
    const [again] = await insertEvents(store.db, [{ ...event('p-d', 1), eventId }], at(1));
    expect([first?.outcome, again?.outcome]).toEqual(['created', 'duplicate']);
    await compactProducerSeqs(store.db);
    expect(await markOf('p-d')).toBe(1);
    expect(await gapsOf('p-d')).toEqual([]);
  });

  it('keeps producers apart by tenant', async () => {
    await insertEvents(store.db, [event('shared', 5, 'acme')], at(0));
    await insertEvents(store.db, [event('shared', 1, 'globex')], at(0));
    await compactProducerSeqs(store.db);
    expect((await gapsOf('shared', 'acme')).map((g) => [g.first_seq, g.last_seq])).toEqual([
      ['1', '4'],
    ]);
    expect(await gapsOf('shared', 'globex')).toEqual([]);
  });

  it('folds many batches from concurrent sessions to the gaps of their union', async () => {
    // 40 batches of 25 numbers, stored in shuffled order and at once, leaving 500 out.
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => b * 25 + i + 1),
    );
    const sent = batches.filter((_, b) => b !== 20);
    sent.sort(() => Math.random() - 0.5);
    await Promise.all(
      sent.map((seqs, i) =>
        store.db.transaction((tx) =>
          insertEvents(
            tx,
            seqs.map((s) => event('p-many', s)),
            at(i),
          ),
        ),
      ),
    );
    await compactProducerSeqs(store.db, { wait: true });
    expect(await markOf('p-many')).toBe(1000);
    expect((await gapsOf('p-many')).map((g) => [g.first_seq, g.last_seq])).toEqual([
      ['501', '525'],
    ]);
  });
});
