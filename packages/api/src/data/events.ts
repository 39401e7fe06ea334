import { descriptionSortKey, events, jobs, queryRows, type Database, type Event } from '@audit/db';
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  isNotNull,
  isNull,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  declarationOf,
  SORTABLE_FIELDS,
  type EventField,
  type SortableField,
  type ValueKind,
} from '@audit/db/fields';
import { z } from 'zod';

import { sqlState } from './db-errors';
import { InvalidInputError, NotFoundError } from './errors';
import type { ArchiveRow } from '../archive/archive';
import { SearchQueryError, parseSearchQuery } from '../filters/search-query';
import type { EventFilter } from '../filters/schema';
import { filterConditions, whereAll } from '../filters/sql';

/** The SQL type a sort value is cast back to from a cursor, by the field's kind. */
const CURSOR_TYPES: Record<Exclude<ValueKind, 'json'>, (column: AnyPgColumn) => string> = {
  id: () => 'bigint',
  uuid: () => 'uuid',
  time: () => 'timestamptz',
  text: () => 'text',
  code: () => 'text',
  ip: () => 'inet',
  enum: (column) => column.getSQLType(),
  count: () => 'bigint',
};

/**
 * What a sort by `field` orders by: the column, except description, sorted by its first
 * DESCRIPTION_SORT_CHARS characters (what events_description_sort_idx holds).
 */
function sortExpression(field: SortableField): AnyPgColumn | SQL {
  return field === 'description' ? descriptionSortKey(events.description) : events[field];
}

/** Fields a list can be sorted by (declared `sortable`), with their cursor cast and nullability. */
export const SORTABLE_COLUMNS = Object.fromEntries(
  SORTABLE_FIELDS.map((field) => {
    const column: AnyPgColumn = events[field];
    const kind = declarationOf(field).kind;
    if (kind === 'json') throw new Error(`${field}: a JSON field cannot be sortable`);
    return [
      field,
      {
        column: sortExpression(field),
        type: CURSOR_TYPES[kind](column),
        nullable: !column.notNull,
      },
    ];
  }),
) as Record<SortableField, { column: AnyPgColumn | SQL; type: string; nullable: boolean }>;

export type SortField = SortableField;
export const SORT_FIELDS = SORTABLE_FIELDS as [SortField, ...SortField[]];
export type SortDirection = 'asc' | 'desc';
export interface Sort {
  field: SortField;
  direction: SortDirection;
}

/** A filter without its search box: what the box parses into, and the structured fields. */
export type FilterPart = Omit<EventFilter, 'q'>;

/**
 * The filter's parts, each narrowing the result: the structured fields, and what the search
 * box (`q`) says, parsed (a syntax error is the caller's BAD_REQUEST).
 */
export function filterParts(filter: EventFilter, now: Date): FilterPart[] {
  const { q, ...fields } = filter;
  if (!q?.trim()) return [fields];
  try {
    return [fields, parseSearchQuery(q, { now })];
  } catch (error) {
    if (error instanceof SearchQueryError) {
      throw new InvalidInputError(`q: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * A filter as one caller sees it at one instant: its parts (relative times such as `-15m`
 * resolved against `now`), the tenant it is confined to (a token sees only its own; null:
 * every tenant), and the SQL conditions of both. What list, histogram, facets, export and
 * purge all read through (trpc.ts binds it to the caller as `ctx.scope`).
 */
export interface EventScope {
  parts: FilterPart[];
  tenantScope: string | null;
  conditions: SQL[];
}

export function eventScope(filter: EventFilter, tenantScope: string | null, now: Date): EventScope {
  const parts = filterParts(filter, now);
  return { parts, tenantScope, conditions: partsConditions(parts, tenantScope) };
}

export function partsConditions(parts: FilterPart[], tenantScope: string | null): SQL[] {
  const conditions = parts.flatMap((part) => filterConditions(part));
  if (tenantScope !== null) conditions.push(eq(events.tenant, tenantScope));
  return conditions;
}

// ---------------------------------------------------------------- keyset paging

/** Where a page starts: just after (or before) this row in the sort order. */
interface Cursor {
  field: SortField;
  direction: SortDirection;
  /** The sort column's value as text; null for a NULL. Absent when sorting by occurredAt. */
  value: string | null;
  occurredAt: string;
  eventId: string;
  side: 'after' | 'before';
}

const cursorSchema = z.object({
  f: z.enum(SORT_FIELDS),
  d: z.enum(['asc', 'desc']),
  v: z.string().nullable(),
  t: z.iso.datetime(),
  e: z.uuid(),
  s: z.enum(['after', 'before']),
});

function encodeCursor(cursor: Cursor): string {
  const { field: f, direction: d, value: v, occurredAt: t, eventId: e, side: s } = cursor;
  return Buffer.from(JSON.stringify({ f, d, v, t, e, s })).toString('base64url');
}

function decodeCursor(text: string, sort: Sort): Cursor {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('cursor: not a cursor this server issued');
  }
  if (parsed.f !== sort.field || parsed.d !== sort.direction) {
    throw new InvalidInputError(
      'cursor: it belongs to a different sort; start again from the first page',
    );
  }
  return {
    field: parsed.f,
    direction: parsed.d,
    value: parsed.v,
    occurredAt: parsed.t,
    eventId: parsed.e,
    side: parsed.s,
  };
}

/**
 * A sort order is one or two index-ordered segments: rows whose sort value is not null,
 * and rows where it is null (after them ascending, before them descending, as PostgreSQL
 * orders NULLs). Each segment is read with a row-value comparison, so a page costs the
 * same at any depth.
 */
interface Segment {
  nulls: boolean;
  where: SQL | undefined;
  orderBy: SQL[];
  /** The keyset bound for rows strictly past a cursor in this segment. */
  after(cursor: Cursor): SQL;
}

function segments(field: SortField, direction: SortDirection): Segment[] {
  const { column, type, nullable } = SORTABLE_COLUMNS[field];
  const order = direction === 'asc' ? asc : desc;
  const past = direction === 'asc' ? sql.raw('>') : sql.raw('<');
  const timeKey = (cursor: Cursor) =>
    sql`(${events.occurredAt}, ${events.eventId}) ${past} (${cursor.occurredAt}::timestamptz, ${cursor.eventId}::uuid)`;

  if (field === 'occurredAt') {
    return [
      {
        nulls: false,
        where: undefined,
        orderBy: [order(events.occurredAt), order(events.eventId)],
        after: timeKey,
      },
    ];
  }
  const valued: Segment = {
    nulls: false,
    where: nullable ? isNotNull(column) : undefined,
    orderBy: [order(column), order(events.occurredAt), order(events.eventId)],
    after: (cursor) =>
      sql`(${column}, ${events.occurredAt}, ${events.eventId}) ${past} (${cursor.value}::${sql.raw(type)}, ${cursor.occurredAt}::timestamptz, ${cursor.eventId}::uuid)`,
  };
  if (!nullable) return [valued];
  const empty: Segment = {
    nulls: true,
    where: isNull(column),
    orderBy: [order(events.occurredAt), order(events.eventId)],
    after: timeKey,
  };
  return direction === 'asc' ? [valued, empty] : [empty, valued];
}

type EventRow = Event & { sortValue: string | null };

/**
 * Most bytes of events (as JSON) one page holds: a page of large events stops early, with a
 * cursor to the rest, rather than make the server hold and send hundreds of megabytes.
 */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024;
/** Rows read at a time while a page fills: what a page can overshoot MAX_PAGE_BYTES by. */
const READ_SLICE = 250;

/** Where the next slice of a segment starts: just past `row`. */
function cursorAfter(
  row: Pick<EventRow, 'sortValue' | 'occurredAt' | 'eventId'>,
  sort: Sort,
): Cursor {
  return {
    field: sort.field,
    direction: sort.direction,
    value: sort.field === 'occurredAt' ? null : row.sortValue,
    occurredAt: row.occurredAt.toISOString(),
    eventId: row.eventId,
    side: 'after',
  };
}

/**
 * Up to `limit` rows in sort order from the cursor, read in slices; `full` when the byte
 * budget stopped it before `limit` (there may be more).
 */
async function readInOrder(
  db: Database,
  conditions: SQL[],
  sort: Sort,
  cursor: Cursor | null,
  limit: number,
): Promise<{ rows: EventRow[]; full: boolean }> {
  const { column } = SORTABLE_COLUMNS[sort.field];
  const parts = segments(sort.field, sort.direction);
  const start = cursor
    ? parts.findIndex((p) => p.nulls === (cursor.value === null && sort.field !== 'occurredAt'))
    : 0;
  const rows: EventRow[] = [];
  let bytes = 0;
  let full = false;
  for (let i = Math.max(start, 0); i < parts.length && rows.length < limit && !full; i++) {
    const part = parts[i];
    if (!part) break;
    let bound = cursor && i === start ? part.after(cursor) : undefined;
    for (;;) {
      const wanted = Math.min(READ_SLICE, limit - rows.length);
      const slice = await db
        .select({ ...getTableColumns(events), sortValue: sql<string | null>`${column}::text` })
        .from(events)
        .where(
          whereAll([...conditions, ...(part.where ? [part.where] : []), ...(bound ? [bound] : [])]),
        )
        .orderBy(...part.orderBy)
        .limit(wanted);
      for (const row of slice) {
        const size = JSON.stringify(row).length;
        // At least one row, however large: a page always moves forward.
        if (rows.length > 0 && bytes + size > MAX_PAGE_BYTES) {
          full = true;
          break;
        }
        bytes += size;
        rows.push(row);
      }
      const last = slice.at(-1);
      if (full || !last || slice.length < wanted || rows.length >= limit) break;
      bound = part.after(cursorAfter(last, sort));
    }
  }
  return { rows, full };
}

export interface EventPage {
  items: Event[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Most rows a list may skip by `offset` (for clients that page by number, as the reference
 * products' APIs do): an OFFSET reads every skipped row's index entry, about 21 ms at
 * 100 000 on 10 M events (DESIGN.md); deeper pages go by cursor, which costs the same anywhere.
 */
export const MAX_LIST_OFFSET = 100_000;

export async function listEvents(
  db: Database,
  conditions: SQL[],
  sort: Sort,
  limit: number,
  cursorText: string | undefined,
  offset = 0,
): Promise<EventPage> {
  if (offset > 0 && cursorText) {
    throw new InvalidInputError('offset: give an offset or a cursor, not both');
  }
  try {
    const cursor = cursorText
      ? decodeCursor(cursorText, sort)
      : offset > 0
        ? await cursorAtOffset(db, conditions, sort, offset)
        : null;
    if (cursor === 'past-end') return { items: [], nextCursor: null, prevCursor: null };
    return await readPage(db, conditions, sort, limit, cursor);
  } catch (error) {
    // A cursor's value is cast to its column's type: a forged one that does not cast (or is
    // out of range) is the caller's mistake, not the server's.
    if (cursorText && sqlState(error)?.startsWith('22')) {
      throw new InvalidInputError('cursor: not a cursor this server issued', { cause: error });
    }
    throw error;
  }
}

/**
 * A cursor just past the first `offset` rows in sort order, found by reading only their sort
 * keys in one query; 'past-end' when fewer rows match. PostgreSQL's default NULL placement
 * (last ascending, first descending) is the segments' order, so one ORDER BY spans them.
 */
async function cursorAtOffset(
  db: Database,
  conditions: SQL[],
  sort: Sort,
  offset: number,
): Promise<Cursor | 'past-end'> {
  const { column } = SORTABLE_COLUMNS[sort.field];
  const order = sort.direction === 'asc' ? asc : desc;
  const [row] = await db
    .select({
      sortValue: sql<string | null>`${column}::text`,
      occurredAt: events.occurredAt,
      eventId: events.eventId,
    })
    .from(events)
    .where(whereAll(conditions))
    .orderBy(order(column), order(events.occurredAt), order(events.eventId))
    .offset(offset - 1)
    .limit(1);
  return row ? cursorAfter(row, sort) : 'past-end';
}

async function readPage(
  db: Database,
  conditions: SQL[],
  sort: Sort,
  limit: number,
  cursor: Cursor | null,
): Promise<EventPage> {
  const cursorAt = (row: EventRow, side: Cursor['side']): string =>
    encodeCursor({ ...cursorAfter(row, sort), side });
  const strip = (rows: EventRow[]): Event[] =>
    rows.map(({ sortValue: _sortValue, ...event }) => event);

  if (cursor?.side === 'before') {
    const reversed: Sort = { ...sort, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
    const { rows, full } = await readInOrder(
      db,
      conditions,
      reversed,
      { ...cursor, direction: reversed.direction },
      limit + 1,
    );
    const hasPrevious = full || rows.length > limit;
    const items = rows.slice(0, limit).reverse();
    // Paging back to the start with fewer rows than a page: show the full first page instead.
    if (!hasPrevious && items.length < limit) return readPage(db, conditions, sort, limit, null);
    const first = items[0];
    const last = items.at(-1);
    return {
      items: strip(items),
      prevCursor: hasPrevious && first ? cursorAt(first, 'before') : null,
      nextCursor: last ? cursorAt(last, 'after') : null,
    };
  }

  const { rows, full } = await readInOrder(db, conditions, sort, cursor, limit + 1);
  const hasNext = full || rows.length > limit;
  const items = rows.slice(0, limit);
  const first = items[0];
  const last = items.at(-1);
  return {
    items: strip(items),
    nextCursor: hasNext && last ? cursorAt(last, 'after') : null,
    prevCursor: cursor && first ? cursorAt(first, 'before') : null,
  };
}

/**
 * Every column of events, selected so that PostgreSQL and PGlite hand back the same plain
 * values and nothing needs parsing twice: timestamps as epoch milliseconds (a float8 holds
 * them exactly), counts as numbers, int8 ids and JSON as text. Drizzle's row mapping with its date parsing,
 * and a JSON parse only to stringify again, took two fifths of a 1 M-row export's time
 * (RESULTS.md, export rows).
 */
const ARCHIVE_COLUMNS = Object.entries(getTableColumns(events)).map(([key, column]) => {
  const as = sql.identifier(key);
  const type = column.getSQLType();
  if (column.columnType === 'PgTimestamp') {
    return {
      key,
      isTime: true,
      select: sql`(extract(epoch from ${column}) * 1000)::float8 AS ${as}`,
    };
  }
  if (declarationOf(key as EventField).kind === 'count') {
    // Up to 2^53 − 1: a float8 holds it exactly, and both drivers hand back a number.
    return { key, isTime: false, select: sql`${column}::float8 AS ${as}` };
  }
  const asText = type === 'bigint' || type === 'jsonb';
  return {
    key,
    isTime: false,
    select: asText ? sql`${column}::text AS ${as}` : sql`${column} AS ${as}`,
  };
});
const ARCHIVE_SELECT = sql.join(
  ARCHIVE_COLUMNS.map((c) => c.select),
  sql`, `,
);
const ARCHIVE_TIME_KEYS = ARCHIVE_COLUMNS.filter((c) => c.isTime).map((c) => c.key);

/**
 * Every matching event, oldest first, as archives take it, in keyset batches: constant
 * cost per batch at any depth and flat memory, on PGlite (which cannot stream a result) as
 * on PostgreSQL. The next batch is asked for as soon as this one is in, so the database
 * reads it while the caller works through this one (at most two batches are held).
 */
export async function* iterateArchiveRows(
  db: Database,
  conditions: SQL[],
  batchSize = 5000,
): AsyncGenerator<ArchiveRow[]> {
  const [order] = segments('occurredAt', 'asc');
  if (!order) throw new Error('occurredAt has one sort segment');
  const read = async (after: ArchiveRow | null): Promise<ArchiveRow[]> => {
    const bound = after
      ? order.after({
          field: 'occurredAt',
          direction: 'asc',
          value: null,
          occurredAt: after.occurredAt.toISOString(),
          eventId: after.eventId,
          side: 'after',
        })
      : undefined;
    const where = whereAll([...conditions, ...(bound ? [bound] : [])]);
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT ${ARCHIVE_SELECT} FROM ${events} ${where ? sql`WHERE ${where}` : sql``}
          ORDER BY ${sql.join(order.orderBy, sql`, `)} LIMIT ${batchSize}`,
    );
    for (const row of rows) {
      for (const key of ARCHIVE_TIME_KEYS) {
        const ms = row[key];
        if (typeof ms === 'number') row[key] = new Date(ms);
      }
    }
    return rows as unknown as ArchiveRow[];
  };
  let pending: Promise<ArchiveRow[]> | null = read(null);
  try {
    while (pending) {
      const rows: ArchiveRow[] = await pending;
      const last = rows.at(-1);
      pending = last && rows.length === batchSize ? read(last) : null;
      // Handled now: a read that fails while the caller is still busy with this batch must
      // not be an unhandled rejection (which ends the process); it is thrown when awaited.
      pending?.catch(() => undefined);
      if (rows.length > 0) yield rows;
    }
  } finally {
    // Stopped early: the read in flight has no one to hand its rows to.
    pending?.catch(() => undefined);
  }
}

// ---------------------------------------------------------------- totals

/** Up to this many matching rows are counted exactly; past it, the planner's estimate is given. */
export const EXACT_COUNT_LIMIT = 10_000;

/**
 * The total: counted exactly (reading at most EXACT_COUNT_LIMIT + 1 rows) only when the
 * planner expects no more than that, else its estimate. Counting whenever the estimate was
 * within ten times the limit made a page of a day's events (~25 k at 10 M) read 10 001 rows
 * for its total only to answer with the estimate anyway (found by the benchmark: RESULTS.md,
 * list with a 1-day range).
 */
export async function countEvents(
  db: Database,
  conditions: SQL[],
): Promise<{ total: number; totalIsEstimate: boolean }> {
  const where = whereAll(conditions);
  const whereSql = where ? sql`WHERE ${where}` : sql``;
  const estimate = await plannedRows(db, sql`SELECT 1 FROM ${events} ${whereSql}`);
  if (estimate <= EXACT_COUNT_LIMIT) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${events} ${whereSql} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS capped`,
    );
    const n = row?.n ?? 0;
    if (n <= EXACT_COUNT_LIMIT) return { total: n, totalIsEstimate: false };
  }
  return { total: Math.max(estimate, EXACT_COUNT_LIMIT + 1), totalIsEstimate: true };
}

/** The planner's estimate of the rows a query returns (reads none). */
export async function plannedRows(db: Database, query: SQL): Promise<number> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`EXPLAIN (FORMAT JSON) ${query}`);
  const plan: unknown = row ? Object.values(row)[0] : undefined;
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [
    { Plan: { 'Plan Rows': number } },
  ];
  return Math.round(parsed[0].Plan['Plan Rows']);
}

// ---------------------------------------------------------------- one event

export const jobSummaryColumns = {
  id: jobs.id,
  name: jobs.name,
  type: jobs.type,
  state: jobs.state,
  percent: jobs.percent,
  summary: jobs.summary,
  scheduledAt: jobs.scheduledAt,
  startedAt: jobs.startedAt,
  endedAt: jobs.endedAt,
};

export async function getEvent(
  db: Database,
  id: string,
  occurredAt: Date | undefined,
  tenantScope: string | null,
) {
  const [event] = await db
    .select()
    .from(events)
    .where(
      and(
        eq(events.id, id),
        // With the time, only one partition is probed.
        occurredAt ? eq(events.occurredAt, occurredAt) : undefined,
        tenantScope !== null ? eq(events.tenant, tenantScope) : undefined,
      ),
    );
  if (!event) throw new NotFoundError(`id: no event ${id}`);
  const [job] = event.jobId
    ? await db
        .select(jobSummaryColumns)
        .from(jobs)
        // A jobId is whatever the recording service said: never another tenant's job. The
        // installation's own jobs (tenant NULL: exports, purges) only to users, as jobs.byId.
        .where(
          and(
            eq(jobs.id, event.jobId),
            tenantScope === null
              ? or(eq(jobs.tenant, event.tenant), isNull(jobs.tenant))
              : eq(jobs.tenant, event.tenant),
          ),
        )
    : [];
  return { ...event, job: job ?? null };
}
