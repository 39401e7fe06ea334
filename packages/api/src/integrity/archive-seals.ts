/**
 * What an archive carries to be checked offline against the seal chain (docs/integrity-archives.md):
 * its `seals.ndjson` entry, written after the data file.
 *
 * While the rows stream into the archive, `observe` notes per checkpoint touched which of
 * its ids the archive holds (a bitmap over the checkpoint's id range, about count / 8 bytes;
 * nothing is kept per row but the ids of rows no checkpoint covers yet). Then `lines` writes,
 * a checkpoint at a time in chain order, its signed entry and either all its leaves or
 * inclusion proofs for just the archived rows, whichever is smaller.
 */
import { queryRows, sealEntries, type Database } from '@audit/db';
import {
  CANONICAL_VERSION,
  decodeLeaves,
  HASH_BYTES,
  LEAF_BYTES,
  MerkleTree,
} from '@audit/db/integrity';
import { sql } from 'drizzle-orm';

import type { ArchiveRow } from '../archive/archive';
import { sealPending } from './sealer';
import type { SigningKey } from './signing-key';

export const SEALS_FILE = 'seals.ndjson';
/** The version of seals.ndjson's format (its header line says it). */
export const SEALS_FORMAT = 1;

/** Id ranges wider than this (bits) note their ids in a set instead of a bitmap. */
const MAX_BITMAP_BITS = 1 << 20;

interface Touched {
  seq: number;
  afterId: bigint;
  throughId: bigint;
  /** Bit (id - afterId - 1) set for each archived id, or the ids themselves for a sparse range. */
  bits: Uint8Array | Set<bigint>;
}

/** The header line of seals.ndjson. */
export interface SealsHeader {
  type: 'header';
  format: typeof SEALS_FORMAT;
  canonical: number;
  keyId: string;
  /** Checkpoint lines that follow the `unsealed` line. */
  checkpoints: number;
}

export class ArchiveSeals {
  /** Touched checkpoints, sorted by range. */
  private readonly touched: Touched[] = [];
  private readonly unsealed: string[] = [];
  private sealedThrough = 0n;
  private started = false;

  constructor(
    private readonly db: Database,
    private readonly keyId: string,
  ) {}

  /** Notes a batch of archived rows (call for every batch, in any order). */
  async observe(batch: readonly ArchiveRow[]): Promise<void> {
    if (!this.started) {
      this.started = true;
      const [row] = await queryRows<{ through: string | null }>(
        this.db,
        sql`SELECT max(through_id)::text AS through FROM ${sealEntries} WHERE kind = 'checkpoint'`,
      );
      this.sealedThrough = BigInt(row?.through ?? '0');
    }
    for (const row of batch) {
      const id = BigInt(row.id);
      const at = id <= this.sealedThrough ? (this.find(id) ?? (await this.lookUp(id))) : undefined;
      if (!at) {
        this.unsealed.push(row.id);
        continue;
      }
      if (at.bits instanceof Set) at.bits.add(id);
      else {
        const bit = Number(id - at.afterId - 1n);
        at.bits[bit >> 3] = (at.bits[bit >> 3] ?? 0) | (1 << (bit & 7));
      }
    }
  }

  private find(id: bigint): Touched | undefined {
    let lo = 0;
    let hi = this.touched.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.touched[mid] as Touched).throughId < id) lo = mid + 1;
      else hi = mid;
    }
    const at = this.touched[lo];
    return at && at.afterId < id ? at : undefined;
  }

  /** The checkpoint whose range holds `id`, read from the chain and noted as touched. */
  private async lookUp(id: bigint): Promise<Touched | undefined> {
    const [row] = await queryRows<{ seq: string; after: string; through: string }>(
      this.db,
      sql`SELECT seq::text, after_id::text AS after, through_id::text AS through
          FROM ${sealEntries}
          WHERE kind = 'checkpoint' AND through_id >= ${id.toString()}::bigint
          ORDER BY through_id LIMIT 1`,
    );
    if (!row || BigInt(row.after) >= id) return undefined;
    const afterId = BigInt(row.after);
    const throughId = BigInt(row.through);
    const width = throughId - afterId;
    const touched: Touched = {
      seq: Number(row.seq),
      afterId,
      throughId,
      bits:
        width <= BigInt(MAX_BITMAP_BITS) ? new Uint8Array(Math.ceil(Number(width) / 8)) : new Set(),
    };
    const at = this.touched.findIndex((t) => t.throughId > throughId);
    this.touched.splice(at < 0 ? this.touched.length : at, 0, touched);
    return touched;
  }

  private holds(touched: Touched, id: bigint): boolean {
    if (id <= touched.afterId || id > touched.throughId) return false;
    if (touched.bits instanceof Set) return touched.bits.has(id);
    const bit = Number(id - touched.afterId - 1n);
    return (((touched.bits[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 1;
  }

  /** seals.ndjson, a line at a time: header, unsealed ids, then one line per checkpoint touched. */
  async *lines(): AsyncGenerator<string> {
    const header: SealsHeader = {
      type: 'header',
      format: SEALS_FORMAT,
      canonical: CANONICAL_VERSION,
      keyId: this.keyId,
      checkpoints: this.touched.length,
    };
    yield `${JSON.stringify(header)}\n`;
    yield `${JSON.stringify({ type: 'unsealed', ids: this.unsealed })}\n`;
    for (const touched of this.touched) {
      const [entry] = await queryRows<{ statement: string; signature: string; leaves: Uint8Array }>(
        this.db,
        sql`SELECT statement, signature, leaves FROM ${sealEntries} WHERE seq = ${touched.seq}`,
      );
      if (!entry) throw new Error(`seal entry ${touched.seq} vanished while archiving`);
      const leaves = decodeLeaves(entry.leaves);
      const held: number[] = [];
      leaves.forEach((leaf, i) => {
        if (this.holds(touched, leaf.id)) held.push(i);
      });
      const line: Record<string, unknown> = {
        type: 'checkpoint',
        seq: touched.seq,
        statement: entry.statement,
        signature: entry.signature,
      };
      if (proofsAreSmaller(held.length, leaves.length)) {
        const tree = new MerkleTree(leaves.map((leaf) => leaf.hash));
        line.proofs = held.map((index) => ({
          id: (leaves[index] as { id: bigint }).id.toString(),
          index,
          proof: tree.proof(index).map((hash) => Buffer.from(hash).toString('hex')),
        }));
      } else {
        line.leaves = Buffer.from(entry.leaves).toString('base64');
      }
      yield `${JSON.stringify(line)}\n`;
    }
  }
}

/** Bytes of `held` inclusion proofs (hex, ~log2 n hashes each) against all n leaves (base64). */
export function proofsAreSmaller(held: number, count: number): boolean {
  const depth = Math.ceil(Math.log2(Math.max(count, 2)));
  const proofBytes = held * (depth * (HASH_BYTES * 2 + 3) + 40);
  const leavesBytes = Math.ceil((count * LEAF_BYTES) / 3) * 4;
  return proofBytes < leavesBytes;
}

/**
 * Before an archive reads its rows: seals what is recorded so far (so that almost every
 * row is covered), then gives the collector that the rows pass through. Without a key
 * (callers that sign nothing), undefined: the archive has no seals entry.
 */
export async function prepareArchiveSeals(
  db: Database,
  key: SigningKey | undefined,
  now: () => Date,
): Promise<ArchiveSeals | undefined> {
  if (!key) return undefined;
  await sealPending(db, key, now);
  return new ArchiveSeals(db, key.keyId);
}

/** The rows, each batch noted by `seals` on its way into the archive. */
export async function* observedBy(
  rows: AsyncIterable<ArchiveRow[]>,
  seals: ArchiveSeals | undefined,
): AsyncGenerator<ArchiveRow[]> {
  for await (const batch of rows) {
    await seals?.observe(batch);
    yield batch;
  }
}

/** writeArchive's `seals` option for a collector. */
export function sealsEntry(
  seals: ArchiveSeals | undefined,
): { fileName: string; lines: () => AsyncIterable<string> } | undefined {
  return seals ? { fileName: SEALS_FILE, lines: () => seals.lines() } : undefined;
}
