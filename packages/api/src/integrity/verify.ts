/**
 * Verification of the seal chain against the events (docs/integrity.md), in bounded memory
 * at any size: the chain is read an entry at a time, and each checkpoint's events a page at
 * a time beside its leaves.
 *
 * What it finds, naming the event or entry:
 * - `bad-signature`: an entry whose statement is not signed by the server's key;
 * - `chain-broken`: an entry missing, out of place, not naming its predecessor's hash, or
 *   whose stored leaves or covers are not what its signed statement commits to;
 * - `altered`: an event whose content is not what was sealed;
 * - `missing`: a sealed event that is gone and that no purge receipt removed;
 * - `inserted`: an event in a sealed range that was not there when it was sealed;
 * - `unsealed`: an event recorded longer ago than the sealing delay and still not sealed.
 */
import type { KeyObject } from 'node:crypto';

import { events, queryRows, sealEntries, sealPurgeCovers, type Database } from '@audit/db';
import {
  bitmapHas,
  coverLine,
  decodeLeaves,
  equalBytes,
  GENESIS_PREV,
  keyIdOf,
  MerkleTree,
  parseStatement,
  sha256Hex,
  verifySignature,
  type CheckpointStatement,
  type Leaf,
  type Statement,
} from '@audit/db/integrity';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';

import { readEventLeaves, type EventLeaf } from './event-leaves';

export const PROBLEM_KINDS = [
  'altered',
  'missing',
  'inserted',
  'unsealed',
  'chain-broken',
  'bad-signature',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface IntegrityProblem {
  kind: ProblemKind;
  /** The chain entry concerned, when there is one. */
  seq: number | null;
  /** The event concerned, when there is one (its eventId only when it is still stored). */
  eventId: string | null;
  id: string | null;
  detail: string;
}

export interface VerifyOptions {
  /** Only entries made at or after / before this; the chain link into the first is checked too. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only this tenant's events are compared (missing ones cannot say whose they were: all count). */
  tenant?: string | undefined;
  now: Date;
  /** Events recorded longer ago than this and not sealed are `unsealed`. */
  sealingDelayMs: number;
  /** Problems listed (all are counted). */
  maxProblems?: number;
  /** Events compared before stopping with `complete: false` (the rest: call again from `resumeAfterSeq`). */
  maxEvents?: number;
  afterSeq?: number | undefined;
  /** Called after each entry with the events checked so far and the entry's seq. */
  onProgress?: (checkedEvents: number, seq: number) => Promise<void> | void;
}

export interface VerifyReport {
  ok: boolean;
  checkedEvents: number;
  checkedSeals: number;
  /** Sealed events a signed purge receipt accounts for. */
  purgedEvents: number;
  problemCounts: Record<ProblemKind, number>;
  problems: IntegrityProblem[];
  /** False when maxEvents stopped it: go on with afterSeq = resumeAfterSeq. */
  complete: boolean;
  resumeAfterSeq: number | null;
  /** The last entry checked, and the id events are sealed through. */
  lastSeq: number | null;
  sealedThroughId: string | null;
}

const DEFAULT_MAX_PROBLEMS = 1000;

/**
 * When an event not sealed yet counts as `unsealed`. The sealer seals within about 2 s of
 * an insert committing (its round is a second); a minute without a seal means it is not
 * running, or something keeps it from the events.
 */
export const UNSEALED_AFTER_MS = 60_000;
/** Entries read per query (a checkpoint's leaves are up to ~400 KB). */
const ENTRY_PAGE = 8;
/**
 * Events read per query within one checkpoint's range: a whole checkpoint's worth, so that a
 * range is one query (on a store partitioned by month, each query probes every partition).
 */
const EVENT_PAGE = 10_000;

type EntryRow = {
  seq: string;
  kind: string;
  statement: string;
  signature: string;
  after_id: string | null;
  through_id: string | null;
  leaves: Uint8Array | null;
};

export async function verifySeals(
  db: Database,
  publicKey: KeyObject,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const report: VerifyReport = {
    ok: true,
    checkedEvents: 0,
    checkedSeals: 0,
    purgedEvents: 0,
    problemCounts: Object.fromEntries(PROBLEM_KINDS.map((kind) => [kind, 0])) as Record<
      ProblemKind,
      number
    >,
    problems: [],
    complete: true,
    resumeAfterSeq: null,
    lastSeq: null,
    sealedThroughId: null,
  };
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  const problem = (
    p: Omit<IntegrityProblem, 'seq' | 'eventId' | 'id'> & Partial<IntegrityProblem>,
  ) => {
    report.ok = false;
    report.problemCounts[p.kind] += 1;
    if (report.problems.length < maxProblems) {
      report.problems.push({ seq: null, eventId: null, id: null, ...p });
    }
  };
  const keyId = keyIdOf(publicKey);

  // The entry before the first one checked: what it must chain to.
  const startSeq = await firstSeqInRange(db, options);
  let previous: { seq: number; statement: string } | null = null;
  if (startSeq > 1) {
    const [row] = await queryRows<EntryRow>(
      db,
      sql`SELECT seq::text, kind, statement, signature, after_id::text, through_id::text, NULL AS leaves
          FROM ${sealEntries} WHERE seq < ${startSeq} ORDER BY ${sealEntries.seq} DESC LIMIT 1`,
    );
    if (row) previous = { seq: Number(row.seq), statement: row.statement };
  }
  // The end of the last checkpoint before the range, for contiguity.
  let sealedThrough = await sealedThroughBefore(db, startSeq);

  let after = startSeq - 1;
  const to = options.to?.toISOString();
  for (;;) {
    const rows = await queryRows<EntryRow>(
      db,
      sql`SELECT seq::text, kind, statement, signature, after_id::text, through_id::text, leaves
          FROM ${sealEntries}
          WHERE seq > ${after} ${to ? sql`AND sealed_at <= ${to}::timestamptz` : sql``}
          ORDER BY ${sealEntries.seq} LIMIT ${ENTRY_PAGE}`,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      after = seq;
      report.checkedSeals += 1;
      report.lastSeq = seq;
      const statement = checkEntry(row, previous, publicKey, keyId, problem);
      if (statement?.kind === 'checkpoint') {
        const afterId = BigInt(statement.afterId);
        if (afterId !== sealedThrough) {
          problem({
            kind: 'chain-broken',
            seq,
            detail: `checkpoint ${seq} starts after id ${statement.afterId}, but the one before it ended at ${sealedThrough}`,
          });
          if (afterId > sealedThrough) {
            await reportUncovered(db, sealedThrough, afterId, options, problem, report);
          }
        }
        await checkCheckpoint(db, seq, statement, row.leaves, options, problem, report);
        sealedThrough = BigInt(statement.throughId);
      } else if (statement?.kind === 'purge') {
        await checkReceipt(db, seq, statement, problem);
      }
      previous = { seq, statement: row.statement };
      await options.onProgress?.(report.checkedEvents, seq);
      if (options.maxEvents !== undefined && report.checkedEvents >= options.maxEvents) {
        report.complete = false;
        report.resumeAfterSeq = seq;
        report.sealedThroughId = sealedThrough.toString();
        return report;
      }
    }
  }
  report.sealedThroughId = sealedThrough.toString();
  if (!options.to) await reportUnsealed(db, sealedThrough, options, problem);
  return report;
}

type Report = (
  p: Omit<IntegrityProblem, 'seq' | 'eventId' | 'id'> & Partial<IntegrityProblem>,
) => void;

async function firstSeqInRange(db: Database, options: VerifyOptions): Promise<number> {
  if (options.afterSeq !== undefined) return options.afterSeq + 1;
  if (!options.from) return 1;
  const [row] = await queryRows<{ seq: string }>(
    db,
    sql`SELECT seq::text FROM ${sealEntries} WHERE sealed_at >= ${options.from.toISOString()}::timestamptz
        ORDER BY ${sealEntries.seq} LIMIT 1`,
  );
  return row ? Number(row.seq) : Number.MAX_SAFE_INTEGER;
}

async function sealedThroughBefore(db: Database, seq: number): Promise<bigint> {
  const [row] = await queryRows<{ through: string }>(
    db,
    sql`SELECT through_id::text AS through FROM ${sealEntries}
        WHERE kind = 'checkpoint' AND seq < ${seq} ORDER BY ${sealEntries.seq} DESC LIMIT 1`,
  );
  return row ? BigInt(row.through) : 0n;
}

/** Signature, key, position and link of one entry; its statement when it can be trusted. */
function checkEntry(
  row: EntryRow,
  previous: { seq: number; statement: string } | null,
  publicKey: KeyObject,
  keyId: string,
  problem: Report,
): Statement | undefined {
  const seq = Number(row.seq);
  const statement = parseStatement(row.statement);
  if (!verifySignature(row.statement, row.signature, publicKey) || !statement) {
    const signer =
      statement && statement.keyId !== keyId
        ? ` (it names key ${statement.keyId}, the server's is ${keyId})`
        : '';
    problem({
      kind: 'bad-signature',
      seq,
      detail: `entry ${seq} is not signed by the server's key${signer}`,
    });
    return undefined;
  }
  const expectedSeq = previous ? previous.seq + 1 : 1;
  const expectedPrev = previous ? sha256Hex(previous.statement) : GENESIS_PREV;
  if (statement.seq !== seq || statement.kind !== row.kind) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `entry ${seq} holds the statement of entry ${statement.seq} (${statement.kind})`,
    });
  } else if (seq !== expectedSeq) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `entries ${expectedSeq}–${seq - 1} are missing from the chain`,
    });
  } else if (statement.prev !== expectedPrev) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `entry ${seq} does not name the hash of entry ${seq - 1}`,
    });
  }
  if (
    statement.kind === 'checkpoint' &&
    (row.after_id !== statement.afterId || row.through_id !== statement.throughId)
  ) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `checkpoint ${seq}'s stored range differs from its signed one`,
    });
  }
  return statement;
}

/** Compares one checkpoint's leaves with the events now in its range. */
async function checkCheckpoint(
  db: Database,
  seq: number,
  statement: CheckpointStatement,
  stored: Uint8Array | null,
  options: VerifyOptions,
  problem: Report,
  report: VerifyReport,
): Promise<void> {
  let leaves: Leaf[];
  try {
    leaves = stored ? decodeLeaves(stored) : [];
  } catch {
    leaves = [];
  }
  const root = Buffer.from(new MerkleTree(leaves.map((leaf) => leaf.hash)).root).toString('hex');
  const ordered = leaves.every((leaf, i) => i === 0 || leaf.id > (leaves[i - 1] as Leaf).id);
  if (leaves.length !== statement.count || root !== statement.root || !ordered) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `the leaves stored with checkpoint ${seq} are not those its signed root commits to`,
    });
    return;
  }
  const purged = await purgedPositions(db, seq, leaves.length);

  let position = 0;
  let afterId = BigInt(statement.afterId);
  const throughId = BigInt(statement.throughId);
  const leafGone = (leaf: Leaf, at: number) => {
    if (purged?.has(at)) {
      report.purgedEvents += 1;
    } else {
      problem({
        kind: 'missing',
        seq,
        id: leaf.id.toString(),
        detail: `event ${leaf.id} was sealed by checkpoint ${seq} and is gone, and no purge receipt removed it`,
      });
    }
  };
  for (;;) {
    const page: EventLeaf[] = await readEventLeaves(db, { afterId, throughId, limit: EVENT_PAGE });
    for (const event of page) {
      while (position < leaves.length && (leaves[position] as Leaf).id < event.id) {
        leafGone(leaves[position] as Leaf, position);
        position += 1;
      }
      const leaf = leaves[position];
      const counted = options.tenant === undefined || event.tenant === options.tenant;
      if (leaf && leaf.id === event.id) {
        position += 1;
        if (!counted) continue;
        report.checkedEvents += 1;
        if (!equalBytes(leaf.hash, event.hash)) {
          problem({
            kind: 'altered',
            seq,
            id: event.id.toString(),
            eventId: event.eventId,
            detail: `event ${event.id} is not as checkpoint ${seq} sealed it`,
          });
        }
      } else if (counted) {
        report.checkedEvents += 1;
        problem({
          kind: 'inserted',
          seq,
          id: event.id.toString(),
          eventId: event.eventId,
          detail: `event ${event.id} lies in checkpoint ${seq}'s range but was not there when it was sealed`,
        });
      }
    }
    if (page.length < EVENT_PAGE) break;
    afterId = (page.at(-1) as EventLeaf).id;
  }
  for (; position < leaves.length; position++) leafGone(leaves[position] as Leaf, position);
}

/** The leaf positions of one checkpoint that signed purge receipts removed. */
async function purgedPositions(
  db: Database,
  checkpointSeq: number,
  size: number,
): Promise<Set<number> | undefined> {
  const covers = await queryRows<{ removed: Uint8Array }>(
    db,
    sql`SELECT removed FROM ${sealPurgeCovers} WHERE checkpoint_seq = ${checkpointSeq}`,
  );
  if (covers.length === 0) return undefined;
  const positions = new Set<number>();
  for (const cover of covers) {
    for (let i = 0; i < size; i++) if (bitmapHas(cover.removed, i)) positions.add(i);
  }
  return positions;
}

/** A receipt's covers must be the ones its signed statement hashed. */
async function checkReceipt(
  db: Database,
  seq: number,
  statement: Statement & { kind: 'purge' },
  problem: Report,
): Promise<void> {
  const covers = await queryRows<{
    checkpoint_seq: string;
    removed: Uint8Array;
    removed_count: number;
  }>(
    db,
    sql`SELECT checkpoint_seq::text, removed, removed_count FROM ${sealPurgeCovers}
        WHERE receipt_seq = ${seq} ORDER BY ${sealPurgeCovers.checkpointSeq}`,
  );
  const hash = createHash('sha256');
  let count = 0;
  for (const cover of covers) {
    hash.update(coverLine(Number(cover.checkpoint_seq), cover.removed_count, cover.removed));
    count += cover.removed_count;
  }
  if (
    covers.length !== statement.covers ||
    hash.digest('hex') !== statement.coversHash ||
    count !== statement.count
  ) {
    problem({
      kind: 'chain-broken',
      seq,
      detail: `the covers stored with purge receipt ${seq} are not those it signed`,
    });
  }
}

/** Events in a range no checkpoint covers (a checkpoint was removed): none of them is sealed. */
async function reportUncovered(
  db: Database,
  afterId: bigint,
  throughId: bigint,
  options: VerifyOptions,
  problem: Report,
  report: VerifyReport,
): Promise<void> {
  for (;;) {
    const page = await readEventLeaves(db, { afterId, throughId, limit: EVENT_PAGE });
    for (const event of page) {
      if (options.tenant !== undefined && event.tenant !== options.tenant) continue;
      report.checkedEvents += 1;
      problem({
        kind: 'unsealed',
        id: event.id.toString(),
        eventId: event.eventId,
        detail: `event ${event.id} lies in a range no checkpoint of the chain covers`,
      });
    }
    if (page.length < EVENT_PAGE) return;
    afterId = (page.at(-1) as EventLeaf).id;
  }
}

/** Events past the last checkpoint, recorded longer ago than the sealing delay. */
async function reportUnsealed(
  db: Database,
  sealedThrough: bigint,
  options: VerifyOptions,
  problem: Report,
): Promise<void> {
  const cutoff = new Date(options.now.getTime() - options.sealingDelayMs).toISOString();
  const rows = await queryRows<{ id: string; event_id: string }>(
    db,
    sql`SELECT ${events.id}::text AS id, ${events.eventId}::text AS event_id FROM ${events}
        WHERE ${events.id} > ${sealedThrough.toString()}::bigint
          AND ${events.recordedAt} < ${cutoff}::timestamptz
          ${options.tenant !== undefined ? sql`AND ${events.tenant} = ${options.tenant}` : sql``}
        ORDER BY ${events.id} LIMIT ${(options.maxProblems ?? DEFAULT_MAX_PROBLEMS) + 1}`,
  );
  for (const row of rows) {
    problem({
      kind: 'unsealed',
      id: row.id,
      eventId: row.event_id,
      detail: `event ${row.id} was recorded before ${cutoff} and is not sealed`,
    });
  }
}
