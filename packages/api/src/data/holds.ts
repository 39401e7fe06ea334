import { events, legalHolds, queryRows, type Database, type LegalHold } from '@audit/db';
import { and, count, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';

import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { countEvents, eventScope } from './events';
import { eventFilterSchema, type EventFilter } from '../filters/schema';
import { whereAll } from '../filters/sql';

/**
 * Legal holds: while a hold is active, purge and retention keep every event its filter (the
 * one event filter) matches. Released holds stay, for the record, and protect nothing.
 */

/** The most holds active at once: each is a term of every purge's deleting statement. */
export const MAX_ACTIVE_HOLDS = 100;

/**
 * Advisory lock (any constant, the same in every process) between placing a hold and
 * deleting events.
 *
 * The race it closes: a purge's deleting transaction reads the active holds, then deletes
 * what they do not protect. Were a hold committed in between (and the admin told it is in
 * place), that transaction would still delete events the new hold matches. So each deleting
 * transaction takes this lock *shared* before it reads the holds (purges still run side by
 * side), and placing a hold takes it *exclusive* before inserting it (lockForPlacingHold).
 * Either the hold committed first, and the deleting transaction, whose statements after the
 * lock read a fresh snapshot (READ COMMITTED), sees it; or placing the hold waits until that
 * transaction has committed, and what it deleted was gone before the hold existed. Both take
 * the advisory lock before touching `events` (a deleting transaction before its LOCK TABLE,
 * placing a hold before its own audit record), so the two never wait on each other crosswise.
 */
const HOLDS_LOCK = 7_412_003_020;

/** Placing a hold: waits for deleting transactions under way, and holds new ones back. */
export async function lockForPlacingHold(tx: Database): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${HOLDS_LOCK})`);
}

/**
 * What a purge's deleting transaction calls first: takes the lock shared, then reads the
 * holds active now, as the condition a row must meet to be deleted (see HOLDS_LOCK).
 */
export async function lockHoldsForDeleting(tx: Database): Promise<HoldGuard> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${HOLDS_LOCK})`);
  return holdGuard(tx);
}

/** The holds in force now, oldest first. */
export async function activeHolds(db: Database): Promise<LegalHold[]> {
  return db
    .select()
    .from(legalHolds)
    .where(isNull(legalHolds.releasedAt))
    .orderBy(legalHolds.id)
    .limit(MAX_ACTIVE_HOLDS);
}

/**
 * The stored filter as the server works with it. A relative time in its search box
 * (`after:-7d`) is read against the hold's creation, so the hold keeps what it matched when
 * it was placed rather than a window that moves. A stored filter that no longer parses
 * throws: a purge then fails rather than delete what the hold may have meant to keep.
 */
export function holdFilter(hold: Pick<LegalHold, 'id' | 'filter'>): EventFilter {
  const parsed = eventFilterSchema.safeParse(hold.filter);
  if (!parsed.success) throw new Error(`legal hold ${hold.id}: its stored filter does not parse`);
  return parsed.data;
}

/** The SQL conditions (AND) of the events one hold matches. */
export function holdConditions(
  hold: Pick<LegalHold, 'id' | 'filter' | 'createdAt'>,
  tenantScope: string | null = null,
): SQL[] {
  return eventScope(holdFilter(hold), tenantScope, hold.createdAt).conditions;
}

/**
 * Which events the active holds protect, as SQL over `events` (its columns unaliased).
 * `held` is true for a held row and false for any other: a hold's condition can be NULL on a
 * NULL column (`domain IN (…)`), and `NOT NULL` would keep such a row out of both sides.
 */
export interface HoldGuard {
  holds: LegalHold[];
  /** The row is held (never NULL). Undefined when no hold is active. */
  held: SQL | undefined;
  /** The row is not held: what a purge may delete (undefined: every row). */
  unheld: SQL | undefined;
}

export function guardOf(holds: LegalHold[]): HoldGuard {
  if (holds.length === 0) return { holds, held: undefined, unheld: undefined };
  const any = or(...holds.map((hold) => whereAll(holdConditions(hold)) ?? sql`TRUE`)) as SQL;
  return {
    holds,
    held: sql`((${any}) IS TRUE)`,
    unheld: sql`((${any}) IS NOT TRUE)`,
  };
}

/** The guard of the holds active now (without the lock: for counts and previews). */
export async function holdGuard(db: Database): Promise<HoldGuard> {
  return guardOf(await activeHolds(db));
}

// ---------------------------------------------------------------- the procedures' data access

/**
 * The filter as it is stored: its JSON form after validation (lists as arrays, instants as
 * ISO strings), which parses again to the same filter. A search box that does not parse is
 * refused here, naming the field.
 */
export function storedHoldFilter(filter: EventFilter, now: Date): Record<string, unknown> {
  try {
    eventScope(filter, null, now);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new InvalidInputError(`filter.${error.message}`, { cause: error });
    }
    throw error;
  }
  return JSON.parse(JSON.stringify(filter)) as Record<string, unknown>;
}

export async function createHold(
  tx: Database,
  input: { name: string; reason: string; filter: EventFilter },
  by: string,
  now: Date,
): Promise<LegalHold> {
  const filter = storedHoldFilter(input.filter, now);
  await lockForPlacingHold(tx);
  const [active] = await tx
    .select({ n: count() })
    .from(legalHolds)
    .where(isNull(legalHolds.releasedAt));
  if ((active?.n ?? 0) >= MAX_ACTIVE_HOLDS) {
    throw new ConflictError(
      `holds: ${MAX_ACTIVE_HOLDS} are active already; release one, or widen one's filter`,
    );
  }
  const [hold] = await tx
    .insert(legalHolds)
    .values({ name: input.name, reason: input.reason, filter, createdBy: by, createdAt: now })
    .returning();
  if (!hold) throw new Error('insert returned nothing');
  return hold;
}

export async function releaseHold(
  tx: Database,
  id: string,
  by: string,
  now: Date,
): Promise<LegalHold> {
  const [released] = await tx
    .update(legalHolds)
    .set({ releasedBy: by, releasedAt: now })
    .where(and(eq(legalHolds.id, id), isNull(legalHolds.releasedAt)))
    .returning();
  if (released) return released;
  const [existing] = await tx.select().from(legalHolds).where(eq(legalHolds.id, id));
  if (!existing) throw new NotFoundError(`id: no legal hold ${id}`);
  throw new ConflictError(
    `id: legal hold ${id} was released already (by ${existing.releasedBy ?? '?'})`,
  );
}

export async function listHolds(
  db: Database,
  options: { limit: number; beforeId?: string | undefined },
) {
  const rows = await db
    .select()
    .from(legalHolds)
    .where(options.beforeId ? lt(legalHolds.id, options.beforeId) : undefined)
    .orderBy(desc(legalHolds.id))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  return { items, nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
}

/**
 * How many events a hold keeps now, counted the way a list's total is (exactly up to
 * EXACT_COUNT_LIMIT, else the planner's estimate, and says which); null once released.
 */
export async function heldCount(
  db: Database,
  hold: LegalHold,
): Promise<{ count: number; isEstimate: boolean } | null> {
  if (hold.releasedAt) return null;
  const { total, totalIsEstimate } = await countEvents(db, holdConditions(hold));
  return { count: total, isEstimate: totalIsEstimate };
}

/** How many rows matching `conditions` the guard holds, and how many it does not (exact). */
export async function countHeldAndUnheld(
  db: Database,
  conditions: SQL[],
  guard: HoldGuard,
): Promise<{ unheld: number; held: number }> {
  const where = whereAll(conditions);
  const [row] = await queryRows<{ unheld: number; held: number }>(
    db,
    guard.held
      ? sql`SELECT count(*) FILTER (WHERE ${guard.unheld})::int AS unheld,
                   count(*) FILTER (WHERE ${guard.held})::int AS held
            FROM ${events} ${where ? sql`WHERE ${where}` : sql``}`
      : sql`SELECT count(*)::int AS unheld, 0 AS held FROM ${events} ${where ? sql`WHERE ${where}` : sql``}`,
  );
  return { unheld: row?.unheld ?? 0, held: row?.held ?? 0 };
}
