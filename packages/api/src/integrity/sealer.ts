/**
 * The sealer: signs checkpoints over newly recorded events, chained to the entry before
 * (docs/integrity.md). Deterministic: events are sealed in id order, a checkpoint covering
 * every event whose id lies in (afterId, throughId] and the next starting where it ended.
 *
 * An insert draws its id before it commits, so ids commit out of order: an event with a
 * lower id may become visible after a higher one. The sealer therefore seals only up to a
 * settled id: it takes INGEST_LOCK (which every insert holds shared until it ends)
 * exclusively for an instant and reads the id sequence; every insert that drew an id up to
 * there has then committed or rolled back, and any later insert draws a higher id.
 */
import { INGEST_LOCK, queryRows, sealEntries, type AuditDb, type Database } from '@audit/db';
import {
  CANONICAL_VERSION,
  encodeLeaves,
  GENESIS_PREV,
  MerkleTree,
  sha256Hex,
  statementText,
  STATEMENT_VERSION,
  type CheckpointStatement,
} from '@audit/db/integrity';
import { sql } from 'drizzle-orm';

import { sqlState } from '../data/db-errors';
import { Periodic } from '../jobs/periodic';
import { readEventLeaves } from './event-leaves';
import type { SigningKey } from './signing-key';

/** Most events one checkpoint covers: its leaves stay ≤ 400 KB, and verification's memory with them. */
export const CHECKPOINT_MAX_EVENTS = 10_000;

/** Serialises writers of the seal chain (the sealer, purge receipts) across processes. */
export const SEAL_CHAIN_LOCK = 7_412_003_021;

/** How long the sealer queues for INGEST_LOCK before trying again later (new inserts wait behind it). */
const SETTLE_LOCK_TIMEOUT = '2s';

/**
 * The highest event id below which every insert has settled, or undefined when the lock was
 * not had in time (a long insert transaction, or a bulk load holding it).
 */
export async function settledEventId(db: Database): Promise<bigint | undefined> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${SETTLE_LOCK_TIMEOUT}'`));
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${INGEST_LOCK})`);
      const [row] = await queryRows<{ last: string; called: boolean }>(
        tx,
        sql`SELECT last_value::text AS last, is_called AS called FROM events_id_seq`,
      );
      return row?.called ? BigInt(row.last) : 0n;
    });
  } catch (error) {
    if (sqlState(error) === '55P03') return undefined; // lock_not_available
    throw error;
  }
}

/** The chain's last entry (to chain the next to) and the last checkpoint's end. */
export async function chainHead(
  tx: Database,
): Promise<{ seq: number; prev: string; sealedThrough: bigint }> {
  const [last] = await queryRows<{ seq: string; statement: string }>(
    tx,
    sql`SELECT seq::text, statement FROM ${sealEntries} ORDER BY ${sealEntries.seq} DESC LIMIT 1`,
  );
  const [checkpoint] = await queryRows<{ through: string }>(
    tx,
    sql`SELECT through_id::text AS through FROM ${sealEntries}
        WHERE kind = 'checkpoint' ORDER BY ${sealEntries.seq} DESC LIMIT 1`,
  );
  return {
    seq: last ? Number(last.seq) : 0,
    prev: last ? sha256Hex(last.statement) : GENESIS_PREV,
    sealedThrough: checkpoint ? BigInt(checkpoint.through) : 0n,
  };
}

/** Takes the chain's lock for this transaction: blocking (purges), or only if free (the sealer). */
export async function lockSealChain(tx: Database, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEAL_CHAIN_LOCK})`);
    return true;
  }
  const [row] = await queryRows<{ locked: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(${SEAL_CHAIN_LOCK}) AS locked`,
  );
  return row?.locked === true;
}

export interface SealOutcome {
  /** Checkpoints written, and the events they cover. */
  checkpoints: number;
  events: number;
  /** The id everything up to is now sealed through. */
  sealedThrough: bigint;
}

/**
 * Seals every event recorded and settled so far, a checkpoint per CHECKPOINT_MAX_EVENTS.
 * Safe in several processes at once: one seals, the others find the lock taken and return.
 */
export async function sealPending(
  db: Database,
  key: SigningKey,
  now: () => Date,
  options: { maxEvents?: number } = {},
): Promise<SealOutcome> {
  const maxEvents = options.maxEvents ?? CHECKPOINT_MAX_EVENTS;
  const outcome: SealOutcome = { checkpoints: 0, events: 0, sealedThrough: 0n };
  const settled = await settledEventId(db);
  if (settled === undefined) return outcome;
  for (;;) {
    const sealed = await db.transaction(async (tx) => {
      if (!(await lockSealChain(tx, false))) return undefined;
      const head = await chainHead(tx);
      outcome.sealedThrough = head.sealedThrough;
      if (head.sealedThrough >= settled) return undefined;
      const leaves = await readEventLeaves(tx, {
        afterId: head.sealedThrough,
        throughId: settled,
        limit: maxEvents,
      });
      // A full checkpoint ends at its last event; the last one of a run at the settled id,
      // so that ids rolled back meanwhile are not read again.
      const throughId = leaves.length === maxEvents ? (leaves.at(-1)?.id ?? settled) : settled;
      if (leaves.length === 0) return undefined;
      const statement: CheckpointStatement = {
        v: STATEMENT_VERSION,
        kind: 'checkpoint',
        seq: head.seq + 1,
        prev: head.prev,
        keyId: key.keyId,
        at: now().toISOString(),
        canonical: CANONICAL_VERSION,
        afterId: head.sealedThrough.toString(),
        throughId: throughId.toString(),
        count: leaves.length,
        root: Buffer.from(new MerkleTree(leaves.map((leaf) => leaf.hash)).root).toString('hex'),
        firstRecordedAt: leaves.reduce(
          (min, l) => (l.recordedAt < min ? l.recordedAt : min),
          leaves[0]?.recordedAt ?? '',
        ),
        lastRecordedAt: leaves.reduce((max, l) => (l.recordedAt > max ? l.recordedAt : max), ''),
      };
      const text = statementText(statement);
      await tx.insert(sealEntries).values({
        seq: statement.seq,
        kind: 'checkpoint',
        statement: text,
        signature: key.sign(text),
        afterId: statement.afterId,
        throughId: statement.throughId,
        leaves: encodeLeaves(leaves),
        sealedAt: new Date(statement.at),
      });
      return { throughId, count: leaves.length };
    });
    if (!sealed) return outcome;
    outcome.checkpoints += 1;
    outcome.events += sealed.count;
    outcome.sealedThrough = sealed.throughId;
  }
}

export interface SealerOptions {
  store: AuditDb;
  key: SigningKey;
  clock?: () => Date;
  /** Pause between rounds; events are sealed within about this plus a round's time. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/** Runs sealPending every second or so, beside the job runner (jobs/periodic.ts). */
export class Sealer extends Periodic {
  constructor(options: SealerOptions) {
    const clock = options.clock ?? (() => new Date());
    super(
      () => sealPending(options.store.db, options.key, clock),
      options.intervalMs ?? 1_000,
      options.onError,
    );
  }
}
