/**
 * Purge receipts: what a purge or retention removed, written into the seal chain in the
 * transaction that removes it (docs/integrity.md). Per checkpoint it touched, a bitmap of
 * the leaves it removed; verification then counts those as purged, not missing, and the
 * chain stays whole across any number of purges.
 */
import { createHash } from 'node:crypto';

import { queryRows, sealEntries, sealPurgeCovers, type Database } from '@audit/db';
import {
  bitmapSet,
  coverLine,
  decodeLeaves,
  statementText,
  STATEMENT_VERSION,
  type Leaf,
  type PurgeStatement,
} from '@audit/db/integrity';
import { sql } from 'drizzle-orm';

import { chainHead, lockSealChain } from './sealer';
import type { SigningKey } from './signing-key';

export interface PurgeReceiptDetails {
  jobId: string | null;
  by: string;
  before: string | null;
  filter: Record<string, unknown>;
  archiveSha256: string | null;
}

interface OpenCover {
  seq: number;
  throughId: bigint;
  leaves: Leaf[];
  removed: Uint8Array;
  removedCount: number;
}

/** The index of the leaf with this id, or -1 (binary search: leaves ascend by id). */
function leafIndex(leaves: readonly Leaf[], id: bigint): number {
  let low = 0;
  let high = leaves.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = (leaves[mid] as Leaf).id;
    if (at === id) return mid;
    if (at < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * Writes the receipt of removed events, given as pages of ids in ascending order, within
 * the removing transaction `tx`. Takes the chain's lock (waiting for a sealing round in
 * progress), so the sealer cannot seal an event this transaction is removing. Writes
 * nothing when nothing was removed.
 */
export async function writePurgeReceipt(
  tx: Database,
  key: SigningKey,
  now: Date,
  details: PurgeReceiptDetails,
  removedIds: AsyncIterable<readonly bigint[]> | Iterable<readonly bigint[]>,
): Promise<void> {
  await lockSealChain(tx, true);
  const head = await chainHead(tx);
  const seq = head.seq + 1;
  const hash = createHash('sha256');
  let covers = 0;
  let count = 0;
  let unsealedCount = 0;
  let open: OpenCover | undefined;
  let last = -1n;
  // The covers reference the receipt's entry, whose statement hashes them all: they wait
  // here until the entry is written, a row per checkpoint touched (a bitmap of ≤ 1.25 KB).
  const pending: { checkpointSeq: number; removed: Uint8Array; removedCount: number }[] = [];

  const close = () => {
    if (!open || open.removedCount === 0) return;
    pending.push({
      checkpointSeq: open.seq,
      removed: open.removed,
      removedCount: open.removedCount,
    });
    hash.update(coverLine(open.seq, open.removedCount, open.removed));
    covers += 1;
    count += open.removedCount;
  };

  for await (const page of removedIds) {
    for (const id of page) {
      if (id <= last)
        throw new Error(`purge receipt: removed ids must ascend (${id} after ${last})`);
      last = id;
      if (id > head.sealedThrough) {
        unsealedCount += 1;
        continue;
      }
      if (!open || id > open.throughId) {
        close();
        open = await checkpointCovering(tx, id);
      }
      const index = open ? leafIndex(open.leaves, id) : -1;
      if (!open || index < 0) {
        // In a sealed range but never sealed (it was not there when sealed): verification
        // already reports such a row as inserted; removing it leaves nothing to account for.
        unsealedCount += 1;
        continue;
      }
      bitmapSet(open.removed, index);
      open.removedCount += 1;
    }
  }
  close();
  if (count === 0 && unsealedCount === 0) return;

  const statement: PurgeStatement = {
    v: STATEMENT_VERSION,
    kind: 'purge',
    seq,
    prev: head.prev,
    keyId: key.keyId,
    at: now.toISOString(),
    jobId: details.jobId,
    by: details.by,
    before: details.before,
    filter: details.filter,
    count,
    unsealedCount,
    covers,
    coversHash: hash.digest('hex'),
    archiveSha256: details.archiveSha256,
  };
  const text = statementText(statement);
  await tx.insert(sealEntries).values({
    seq,
    kind: 'purge',
    statement: text,
    signature: key.sign(text),
    sealedAt: now,
  });
  for (let i = 0; i < pending.length; i += 500) {
    await tx
      .insert(sealPurgeCovers)
      .values(pending.slice(i, i + 500).map((cover) => ({ receiptSeq: seq, ...cover })));
  }
}

/** The checkpoint whose range holds `id`, with its leaves and an empty bitmap. */
async function checkpointCovering(tx: Database, id: bigint): Promise<OpenCover | undefined> {
  const [row] = await queryRows<{ seq: string; through: string; leaves: Uint8Array | null }>(
    tx,
    sql`SELECT seq::text, through_id::text AS through, leaves FROM ${sealEntries}
        WHERE kind = 'checkpoint' AND through_id >= ${id.toString()}::bigint
        ORDER BY ${sealEntries.throughId} LIMIT 1`,
  );
  if (!row) return undefined;
  const leaves = row.leaves ? decodeLeaves(row.leaves) : [];
  return {
    seq: Number(row.seq),
    throughId: BigInt(row.through),
    leaves,
    removed: new Uint8Array(Math.ceil(leaves.length / 8)),
    removedCount: 0,
  };
}

/** The ids of a table's events in pages, ascending (a partition about to be dropped). */
export async function* idsOfTable(
  tx: Database,
  table: string,
  pageSize = 10_000,
): AsyncGenerator<bigint[]> {
  let after = 0n;
  for (;;) {
    const rows = await queryRows<{ id: string }>(
      tx,
      // Ordered by the column, not the text it is selected as.
      sql`SELECT id::text AS id FROM ${sql.identifier(table)} AS t
          WHERE t.id > ${after.toString()}::bigint ORDER BY t.id LIMIT ${pageSize}`,
    );
    if (rows.length === 0) return;
    const ids = rows.map((row) => BigInt(row.id));
    yield ids;
    after = ids.at(-1) as bigint;
  }
}
