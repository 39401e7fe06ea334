import { compactProducerSeqs, producerGaps, producers, type Database } from '@audit/db';
import { and, asc, count, eq, gt, lte, type SQL } from 'drizzle-orm';

/** Which gaps to list (integrity.gaps). */
export interface GapQuery {
  tenant?: string | undefined;
  producerId?: string | undefined;
  /** The caller's tenant when it may see only one (an API token), else null. */
  tenantScope: string | null;
  graceSeconds: number;
  limit: number;
  now: Date;
}

/**
 * The producers' sequence gaps open longer than the grace period (producer-seqs.ts in
 * @audit/db): the events a producer numbered and sent, as far as it knew, that never arrived.
 * Folds every batch committed so far first, so that a late arrival counts as soon as it is
 * stored. Reads at most `limit` + 1 gaps.
 */
export async function listProducerGaps(db: Database, query: GapQuery) {
  await compactProducerSeqs(db, { wait: true });
  const conditions: SQL[] = [];
  if (query.tenant !== undefined) conditions.push(eq(producerGaps.tenant, query.tenant));
  if (query.tenantScope !== null) conditions.push(eq(producerGaps.tenant, query.tenantScope));
  if (query.producerId !== undefined) {
    conditions.push(eq(producerGaps.producerId, query.producerId));
  }
  const cutoff = new Date(query.now.getTime() - query.graceSeconds * 1000);
  const rows = await db
    .select({
      tenant: producerGaps.tenant,
      producerId: producerGaps.producerId,
      firstMissing: producerGaps.firstSeq,
      lastMissing: producerGaps.lastSeq,
      count: producerGaps.missing,
      since: producerGaps.since,
      highSeq: producers.highSeq,
      lastSeenAt: producers.lastSeenAt,
    })
    .from(producerGaps)
    .innerJoin(
      producers,
      and(
        eq(producers.tenant, producerGaps.tenant),
        eq(producers.producerId, producerGaps.producerId),
      ),
    )
    .where(and(...conditions, lte(producerGaps.since, cutoff)))
    .orderBy(asc(producerGaps.tenant), asc(producerGaps.producerId), asc(producerGaps.firstSeq))
    .limit(query.limit + 1);
  const [pending] = await db
    .select({ n: count() })
    .from(producerGaps)
    .where(and(...conditions, gt(producerGaps.since, cutoff)));
  return {
    gaps: rows.slice(0, query.limit).map((row) => ({
      ...row,
      exact: row.count === row.lastMissing - row.firstMissing + 1,
    })),
    truncated: rows.length > query.limit,
    pending: pending?.n ?? 0,
    graceSeconds: query.graceSeconds,
    asOf: query.now,
  };
}
