import { sql, type SQL } from 'drizzle-orm';

import type { Database } from './client';
import { queryRows } from './sql';

/**
 * Lost-event detection: each producer (the SDK's recorder) numbers its events 1, 2, 3, … and
 * the server keeps, per (tenant, producer), the highest number seen (the high-water mark) and
 * the ranges below it that never arrived (schema/producers.ts).
 *
 * - The statement that stores a batch appends the numbers it carried, one row per producer,
 *   to producer_seq_deltas (recordProducerSeqs): an insert, so concurrent batches of one
 *   producer never wait on a row they all update.
 * - compactProducerSeqs folds the deltas into producers and producer_gaps: in the background
 *   about once a second, and before every read of the gaps, so that a read sees every batch
 *   committed before it.
 * - A number above the mark opens a gap for the numbers between (since the batch's time); a
 *   number inside a gap closes it or splits it in two; a number at or below the mark outside
 *   every gap (a retry, or a producer reusing numbers) changes nothing. The result does not
 *   depend on the order batches are folded in, only `since` may.
 */

/** Open ranges kept per producer; past it, the lowest ones are merged (see producer_gaps). */
export const MAX_GAP_RANGES = 1000;

/** Serialises folds (any constant, the same everywhere; another than COUNTS_LOCK). */
const PRODUCERS_LOCK = 7_412_003_012;

/** Deltas one fold transaction takes. */
const FOLD_DELTAS = 200;

export interface GapRange {
  firstSeq: number;
  lastSeq: number;
  /** How many of firstSeq..lastSeq are missing: all of them unless ranges were merged. */
  missing: number;
  since: Date;
}

export interface ProducerState {
  highSeq: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Ordered by firstSeq, not overlapping, all below highSeq. */
  gaps: GapRange[];
}

/**
 * The part of insertEvents' statement that appends the batch's sequence numbers, per producer
 * (`, seen AS (…)`), or nothing when no row carries one. `rows` are insertRow's.
 */
export function recordProducerSeqs(rows: Record<string, unknown>[], now: Date): SQL {
  const byProducer = new Map<string, { tenant: unknown; producer_id: unknown; seqs: unknown[] }>();
  for (const row of rows) {
    if (row.producer_id === null || row.producer_seq === null) continue;
    const key = `${row.tenant as string}\u0000${row.producer_id as string}`;
    let entry = byProducer.get(key);
    if (!entry) {
      entry = { tenant: row.tenant, producer_id: row.producer_id, seqs: [] };
      byProducer.set(key, entry);
    }
    entry.seqs.push(row.producer_seq);
  }
  if (byProducer.size === 0) return sql``;
  return sql`,
        seen AS (
          INSERT INTO producer_seq_deltas (tenant, producer_id, seqs, seen_at)
          SELECT tenant, producer_id, seqs, ${now.toISOString()}::timestamptz
          FROM jsonb_to_recordset(${JSON.stringify([...byProducer.values()])}::jsonb)
            AS s(tenant text, producer_id text, seqs bigint[]))`;
}

/**
 * A producer's state after a batch of its numbers arrived at `seenAt` (`state` undefined: the
 * first batch of a producer never seen, whose numbers start at 1).
 */
export function applySeqs(
  state: ProducerState | undefined,
  seqs: readonly number[],
  seenAt: Date,
): ProducerState {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const high = state?.highSeq ?? 0;
  const gaps: GapRange[] = [];
  // Numbers at or below the mark close (or split) the gaps they fall in.
  let next = 0;
  for (const gap of state?.gaps ?? []) {
    while (next < sorted.length && (sorted[next] as number) < gap.firstSeq) next++;
    const inside: number[] = [];
    while (next < sorted.length && (sorted[next] as number) <= gap.lastSeq) {
      inside.push(sorted[next] as number);
      next++;
    }
    if (inside.length === 0) {
      gaps.push(gap);
    } else if (gap.missing === gap.lastSeq - gap.firstSeq + 1) {
      let from = gap.firstSeq;
      for (const s of [...inside, gap.lastSeq + 1]) {
        if (s > from) gaps.push({ ...gap, firstSeq: from, lastSeq: s - 1, missing: s - from });
        from = s + 1;
      }
    } else if (gap.missing > inside.length) {
      // A merged range: which of its numbers were missing is no longer known; count them down.
      gaps.push({ ...gap, missing: gap.missing - inside.length });
    }
  }
  // Numbers above it raise the mark, leaving gaps for the numbers skipped.
  let top = high;
  for (const s of sorted) {
    if (s <= high) continue;
    if (s > top + 1)
      gaps.push({ firstSeq: top + 1, lastSeq: s - 1, missing: s - top - 1, since: seenAt });
    top = s;
  }
  return {
    highSeq: top,
    firstSeenAt: state && state.firstSeenAt < seenAt ? state.firstSeenAt : seenAt,
    lastSeenAt: state && state.lastSeenAt > seenAt ? state.lastSeenAt : seenAt,
    gaps: capGaps(gaps),
  };
}

/** At most MAX_GAP_RANGES ranges: the lowest (oldest) are merged into one. */
function capGaps(gaps: GapRange[]): GapRange[] {
  if (gaps.length <= MAX_GAP_RANGES) return gaps;
  const merged = gaps.slice(0, gaps.length - MAX_GAP_RANGES + 1);
  const first = merged[0] as GapRange;
  const last = merged[merged.length - 1] as GapRange;
  return [
    {
      firstSeq: first.firstSeq,
      lastSeq: last.lastSeq,
      missing: merged.reduce((n, g) => n + g.missing, 0),
      since: new Date(Math.min(...merged.map((g) => g.since.getTime()))),
    },
    ...gaps.slice(merged.length),
  ];
}

interface DeltaRow extends Record<string, unknown> {
  tenant: string;
  producer_id: string;
  seqs: string;
  seen_at: string;
}

const epochMs = (column: SQL) => sql`(extract(epoch FROM ${column}) * 1000)::bigint::text`;
const iso = (date: Date) => date.toISOString();
const keyOf = (tenant: string, producerId: string) => `${tenant}\u0000${producerId}`;

/** Folds up to FOLD_DELTAS deltas; the caller holds PRODUCERS_LOCK. Returns how many. */
async function foldDeltas(tx: Database): Promise<number> {
  const deltas = await queryRows<DeltaRow>(
    tx,
    sql`DELETE FROM producer_seq_deltas
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM producer_seq_deltas LIMIT ${FOLD_DELTAS}))
        RETURNING tenant, producer_id, array_to_string(seqs, ',') AS seqs,
                  ${epochMs(sql`seen_at`)} AS seen_at`,
  );
  if (deltas.length === 0) return 0;
  const keys = new Map<string, { tenant: string; producer_id: string }>();
  for (const d of deltas) keys.set(keyOf(d.tenant, d.producer_id), d);
  const keyList = JSON.stringify([...keys.values()]);
  const keyed = sql`jsonb_to_recordset(${keyList}::jsonb) AS k(tenant text, producer_id text)`;

  const states = new Map<string, ProducerState>();
  const marks = await queryRows<{
    tenant: string;
    producer_id: string;
    high_seq: string;
    first_seen_at: string;
    last_seen_at: string;
  }>(
    tx,
    sql`SELECT p.tenant, p.producer_id, p.high_seq::text AS high_seq,
               ${epochMs(sql`p.first_seen_at`)} AS first_seen_at,
               ${epochMs(sql`p.last_seen_at`)} AS last_seen_at
        FROM producers p JOIN ${keyed} ON p.tenant = k.tenant AND p.producer_id = k.producer_id`,
  );
  for (const m of marks) {
    states.set(keyOf(m.tenant, m.producer_id), {
      highSeq: Number(m.high_seq),
      firstSeenAt: new Date(Number(m.first_seen_at)),
      lastSeenAt: new Date(Number(m.last_seen_at)),
      gaps: [],
    });
  }
  const open = await queryRows<{
    tenant: string;
    producer_id: string;
    first_seq: string;
    last_seq: string;
    missing: string;
    since: string;
  }>(
    tx,
    sql`SELECT g.tenant, g.producer_id, g.first_seq::text AS first_seq,
               g.last_seq::text AS last_seq, g.missing::text AS missing,
               ${epochMs(sql`g.since`)} AS since
        FROM producer_gaps g JOIN ${keyed} ON g.tenant = k.tenant AND g.producer_id = k.producer_id
        ORDER BY g.tenant, g.producer_id, g.first_seq`,
  );
  const gapsBefore = new Map<string, number>();
  for (const g of open) {
    const key = keyOf(g.tenant, g.producer_id);
    states.get(key)?.gaps.push({
      firstSeq: Number(g.first_seq),
      lastSeq: Number(g.last_seq),
      missing: Number(g.missing),
      since: new Date(Number(g.since)),
    });
    gapsBefore.set(key, (gapsBefore.get(key) ?? 0) + 1);
  }

  // Oldest batch first, so that a gap's `since` is when it was first seen open.
  deltas.sort((a, b) => Number(a.seen_at) - Number(b.seen_at));
  const changedGaps = new Set<string>();
  for (const d of deltas) {
    const key = keyOf(d.tenant, d.producer_id);
    const before = states.get(key);
    const seqs = d.seqs === '' ? [] : d.seqs.split(',').map(Number);
    const after = applySeqs(before, seqs, new Date(Number(d.seen_at)));
    if (!sameGaps(before?.gaps ?? [], after.gaps)) changedGaps.add(key);
    states.set(key, after);
  }

  const producerRows = [...keys].map(([key, k]) => {
    const state = states.get(key) as ProducerState;
    return {
      ...k,
      high_seq: state.highSeq,
      first_seen_at: iso(state.firstSeenAt),
      last_seen_at: iso(state.lastSeenAt),
    };
  });
  // One order for every writer (keys sorted), so that upserts cannot deadlock.
  producerRows.sort((a, b) =>
    keyOf(a.tenant, a.producer_id) < keyOf(b.tenant, b.producer_id) ? -1 : 1,
  );
  await tx.execute(
    sql`INSERT INTO producers (tenant, producer_id, high_seq, first_seen_at, last_seen_at)
        SELECT tenant, producer_id, high_seq, first_seen_at, last_seen_at
        FROM jsonb_to_recordset(${JSON.stringify(producerRows)}::jsonb)
          AS r(tenant text, producer_id text, high_seq bigint,
               first_seen_at timestamptz, last_seen_at timestamptz)
        ON CONFLICT ON CONSTRAINT producers_pkey DO UPDATE
          SET high_seq = excluded.high_seq, first_seen_at = excluded.first_seen_at,
              last_seen_at = excluded.last_seen_at`,
  );

  const rewritten = [...changedGaps].filter((key) => (gapsBefore.get(key) ?? 0) > 0);
  if (rewritten.length > 0) {
    const list = JSON.stringify(rewritten.map((key) => keys.get(key)));
    await tx.execute(
      sql`DELETE FROM producer_gaps g
          USING jsonb_to_recordset(${list}::jsonb) AS k(tenant text, producer_id text)
          WHERE g.tenant = k.tenant AND g.producer_id = k.producer_id`,
    );
  }
  const gapRows = [...changedGaps].flatMap((key) => {
    const k = keys.get(key) as { tenant: string; producer_id: string };
    return (states.get(key) as ProducerState).gaps.map((g) => ({
      ...k,
      first_seq: g.firstSeq,
      last_seq: g.lastSeq,
      missing: g.missing,
      since: iso(g.since),
    }));
  });
  if (gapRows.length > 0) {
    await tx.execute(
      sql`INSERT INTO producer_gaps (tenant, producer_id, first_seq, last_seq, missing, since)
          SELECT tenant, producer_id, first_seq, last_seq, missing, since
          FROM jsonb_to_recordset(${JSON.stringify(gapRows)}::jsonb)
            AS r(tenant text, producer_id text, first_seq bigint, last_seq bigint,
                 missing bigint, since timestamptz)`,
    );
  }
  return deltas.length;
}

function sameGaps(a: readonly GapRange[], b: readonly GapRange[]): boolean {
  return (
    a.length === b.length &&
    a.every((g, i) => {
      const h = b[i] as GapRange;
      return (
        g.firstSeq === h.firstSeq &&
        g.lastSeq === h.lastSeq &&
        g.missing === h.missing &&
        g.since.getTime() === h.since.getTime()
      );
    })
  );
}

/**
 * Folds producer_seq_deltas into producers and producer_gaps, one transaction per
 * FOLD_DELTAS, until none are left. `wait: false` (the background) skips its turn while
 * another process folds; `wait: true` (before reading the gaps) waits for it, then folds what
 * is left, so that the read that follows sees every batch committed before the call.
 * Returns how many deltas it folded.
 */
export async function compactProducerSeqs(
  db: Database,
  options: { wait?: boolean } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const folded = await db.transaction(async (tx) => {
      if (options.wait) {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${PRODUCERS_LOCK})`);
      } else {
        const [lock] = await queryRows<{ locked: boolean }>(
          tx,
          sql`SELECT pg_try_advisory_xact_lock(${PRODUCERS_LOCK}) AS locked`,
        );
        if (!lock?.locked) return 0;
      }
      return foldDeltas(tx);
    });
    total += folded;
    if (folded < FOLD_DELTAS) return total;
  }
}
