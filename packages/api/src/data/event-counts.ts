import {
  ALL_EVENTS,
  COUNTED_FIELDS,
  COUNTED_FIELD_NAMES,
  deltaEvents,
  EVENT_STATUSES,
  events,
  finestCountsOf,
  finestGrain,
  queryRows,
  COUNT_GRAINS,
  type CountDimension,
  type CountedField,
  type CountGrain,
  type Database,
  type EventStatus,
} from '@audit/db';
import { FACET_FIELDS as DECLARED_FACET_FIELDS, type FacetField } from '@audit/db/fields';
import { sql, type SQL } from 'drizzle-orm';

import { plannedRows, type EventScope, type FilterPart } from './events';
import { isPrefixPattern, whereAll } from '../filters/sql';
import {
  bucketBoundaries,
  chooseBucket,
  coverRange,
  coverSpans,
  edgeEstimates,
  grainNext,
  type BucketSize,
  type CountPiece,
  type Edge,
} from './time-buckets';

/**
 * Histogram and facets at any size. A filter the counts hold (a time range, tenants,
 * statuses, and values of at most one counted field) is answered from event_counts and its
 * deltas, plus the events in the bits of the range finer than the counts' grain. Any other
 * filter is answered from the events themselves, reading at most a budget of them: the
 * newest events of the range, chosen with the counts, so that the answer is exact when
 * they are all there is and says from when it counts otherwise.
 */

/**
 * Most events one histogram or facets request reads from the events table, by default
 * (a server setting, AppDeps.eventsReadBudget): about 100 ms of reading on the benchmark's
 * 2-core machine, so a view the counts cannot answer still opens within the page's budget.
 */
export const EVENTS_READ_BUDGET = 10_000;

/** How much wider than the budget a read's window may be when few of its events match. */
const WIDEN_AT_MOST = 10;

/** Where an answer came from, and whether it counts every matching event. */
export interface CountBasis {
  exact: boolean;
  /** `rollups`: the counts (and the events at the range's ends); `events`: a read of events. */
  source: 'rollups' | 'events';
  /** Not exact because only the newest events were read: those from this instant on. */
  since: Date | null;
  /** Events read from the events table. */
  eventsRead: number;
}

// ---------------------------------------------------------------- what the counts can answer

/** A filter in the counts' terms; null lists mean "any". */
export interface CountFilter {
  from: Date | undefined;
  to: Date | undefined;
  tenants: string[] | null;
  statuses: EventStatus[] | null;
  field: { name: CountedField; values: string[] } | null;
}

const intersect = <T>(current: T[] | null, next: readonly T[]): T[] =>
  current === null ? [...new Set(next)] : current.filter((value) => next.includes(value));

const isCountedField = (key: string): key is CountedField => key in COUNTED_FIELDS;

/**
 * The filter's parts in the counts' terms. `complete`: they say all the parts say, so the
 * counts answer exactly; otherwise what they say is looser (it matches more events), which
 * still bounds how many a read of the events will find.
 */
export function countFilterOf(
  parts: FilterPart[],
  tenantScope: string | null,
): { filter: CountFilter; complete: boolean } {
  const filter: CountFilter = {
    from: undefined,
    to: undefined,
    tenants: tenantScope === null ? null : [tenantScope],
    statuses: null,
    field: null,
  };
  let complete = true;
  for (const part of parts) {
    for (const [key, value] of Object.entries(part) as [keyof FilterPart, unknown][]) {
      if (value === undefined) continue;
      if (key === 'from') {
        const from = value as Date;
        if (!filter.from || from > filter.from) filter.from = from;
      } else if (key === 'to') {
        const to = value as Date;
        if (!filter.to || to < filter.to) filter.to = to;
      } else if (key === 'tenant') {
        filter.tenants = intersect(filter.tenants, value as string[]);
      } else if (key === 'status') {
        filter.statuses = intersect(filter.statuses, value as EventStatus[]);
      } else if (isCountedField(key)) {
        const values = value as string[];
        // A prefix (`tenant.*`) is not a value the counts hold.
        if (values.some((v) => isPrefixPattern(key, v))) complete = false;
        else if (!filter.field) filter.field = { name: key, values: [...new Set(values)] };
        else if (filter.field.name === key)
          filter.field.values = intersect(filter.field.values, values);
        else complete = false; // two fields at once: the counts hold one at a time
      } else {
        complete = false;
      }
    }
  }
  return { filter, complete };
}

/** The dimension whose counts answer for a filter. */
function dimensionOf(filter: CountFilter): CountDimension {
  return filter.field?.name ?? ALL_EVENTS;
}

// ---------------------------------------------------------------- SQL over the counts

const END_OF_TIME = Date.parse('9999-12-31T23:59:59.999Z') + 1;
/** An instant for SQL; past year 9999 (the end of a range without one) is `infinity`. */
const iso = (ms: number) => (ms >= END_OF_TIME ? 'infinity' : new Date(ms).toISOString());

function inList(column: SQL, values: readonly string[]): SQL {
  if (values.length === 0) return sql`false`;
  return sql`${column} IN (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** Conditions on count rows (`alias.tenant`, …) for a filter. */
function countConditions(alias: string, filter: CountFilter): SQL[] {
  const col = (name: string) => sql`${sql.identifier(alias)}.${sql.identifier(name)}`;
  const conditions: SQL[] = [];
  if (filter.tenants) conditions.push(inList(col('tenant'), filter.tenants));
  if (filter.statuses) conditions.push(inList(sql`${col('status')}::text`, filter.statuses));
  if (filter.field) conditions.push(inList(col('value'), filter.field.values));
  return conditions;
}

/**
 * The pieces as a VALUES list: the planner then knows how many there are (a set-returning
 * function's guess of 100 rows made it plan for millions, go parallel and compile with JIT).
 */
function piecesRelation(pieces: CountPiece[]): SQL {
  const rows = pieces.map(
    (p, i) =>
      sql`(${sql.raw(String(i))}, ${p.grain}::count_grain, ${iso(p.from)}::timestamptz, ${iso(p.to)}::timestamptz, ${p.weight}::float8)`,
  );
  return sql`(VALUES ${sql.join(rows, sql`, `)}) AS p(i, grain, "from", "to", weight)`;
}

const dimensionIn = (alias: string, dimensions: readonly CountDimension[]) =>
  inList(sql`${sql.identifier(alias)}.dimension`, dimensions);

/**
 * `dimension, bucket, tenant, status, value, n, i, read` (i: the piece; read: 0): the
 * counts of `dimensions` within `pieces`, from event_counts and the deltas not yet added in.
 */
function countsWithin(
  dimensions: readonly CountDimension[],
  filter: CountFilter,
  pieces: CountPiece[],
): SQL {
  if (pieces.length === 0) {
    return sql`SELECT NULL::text AS dimension, NULL::timestamptz AS bucket, NULL::text AS tenant,
                      NULL::text AS status, NULL::text AS value, 0::float8 AS n, 0 AS i, 0 AS read
               WHERE false`;
  }
  const stored = whereAll([
    dimensionIn('s', dimensions),
    sql`s.grain = p.grain AND s.bucket >= p."from" AND s.bucket < p."to"`,
    ...countConditions('s', filter),
  ]);
  const first = pieces.reduce((min, p) => Math.min(min, p.from), Infinity);
  const last = pieces.reduce((max, p) => Math.max(max, p.to), -Infinity);
  const pending = whereAll([
    dimensionIn('f', dimensions),
    sql`f.bucket >= p."from" AND f.bucket < p."to"`,
    ...countConditions('f', filter),
  ]);
  const deltas = deltaEvents({ from: new Date(first), to: new Date(last - 1) });
  return sql`SELECT c.dimension, c.bucket, c.tenant, c.status::text AS status, c.value,
                    c.n * p.weight AS n, p.i, 0 AS read
             FROM ${piecesRelation(pieces)}
             -- An index range per piece, whatever the planner guesses of the pieces (a join
             -- had it hash a parallel scan of every count: 1 s instead of 10 ms). OFFSET 0
             -- keeps the subquery from being flattened back into that join.
             CROSS JOIN LATERAL (SELECT * FROM event_counts s WHERE ${stored} OFFSET 0) AS c
             UNION ALL
             -- A delta counts in its piece's bucket, like the stored row it will be added to.
             SELECT f.dimension, date_trunc(p.grain::text, f.bucket, 'UTC'), f.tenant,
                    f.status::text, f.value, f.n * p.weight, p.i, 0
             FROM ${piecesRelation(pieces)}
             JOIN (${finestCountsOf(deltas)}) AS f ON ${pending}`;
}

/** The event's value for a dimension (NULL for `*`). */
function dimensionValue(dimension: CountDimension): SQL {
  return dimension === ALL_EVENTS
    ? sql`NULL::text`
    : sql`${COUNTED_FIELDS[dimension]}::text COLLATE "C"`;
}

/**
 * `dimension, bucket, tenant, status, value, n, i, read` for the events in `edges` that
 * match `conditions`: a row per event and dimension, n = 1, bucket = the event's time,
 * i = -1, read = 1 on one row per event.
 */
function eventsWithin(
  dimensions: readonly CountDimension[],
  edges: Edge[],
  conditions: SQL[],
): SQL | null {
  if (edges.length === 0) return null;
  // Ranges the planner can see: each prunes to its partition and reads its index.
  const inEdges = sql.join(
    edges.map(
      (e) =>
        sql`(${events.occurredAt} >= ${iso(e.from)}::timestamptz AND ${events.occurredAt} < ${iso(e.to)}::timestamptz)`,
    ),
    sql` OR `,
  );
  const where = whereAll([sql`(${inEdges})`, ...conditions]);
  return sql`SELECT d.dimension, e.occurred_at AS bucket, e.tenant, e.status, d.value,
                    1::float8 AS n, -1 AS i, (d.dimension = ${dimensions[0]})::int AS read
             FROM (
               SELECT ${events.occurredAt} AS occurred_at, ${events.tenant}::text AS tenant,
                      ${events.status}::text AS status,
                      ${sql.join(
                        dimensions.map(
                          (d, i) => sql`${dimensionValue(d)} AS ${sql.identifier(`v${i}`)}`,
                        ),
                        sql`, `,
                      )}
               FROM ${events} WHERE ${where}) AS e
             CROSS JOIN LATERAL (VALUES ${sql.join(
               dimensions.map((d, i) => sql`(${d}::text, e.${sql.identifier(`v${i}`)})`),
               sql`, `,
             )}) AS d(dimension, value)`;
}

/** One bucket of the counts and how many matching events it holds. */
interface CountedBucket {
  grain: CountGrain;
  from: number;
  to: number;
  n: number;
}

/**
 * How many matching events the counts put in each bucket of `pieces` (buckets with none
 * are left out); an upper bound where `filter` is looser than the request's.
 */
async function countPerBucket(
  db: Database,
  filter: CountFilter,
  pieces: CountPiece[],
): Promise<CountedBucket[]> {
  if (pieces.length === 0) return [];
  const rows = await queryRows<{ i: number; bucket: string; n: number }>(
    db,
    sql`SELECT i, (extract(epoch FROM bucket) * 1000)::float8::text AS bucket, sum(n)::float8 AS n
        FROM (${countsWithin([dimensionOf(filter)], filter, pieces)}) AS c
        GROUP BY i, bucket`,
  );
  return rows.map((row) => {
    const grain = (pieces[row.i] as CountPiece).grain;
    const from = Number(row.bucket);
    return { grain, from, to: grainNext(from, grain), n: row.n };
  });
}

/**
 * `edges_read` (one row: whether the events at the range's ends were read) and `counted`
 * (the rows of countsWithin and eventsWithin): the counts of whole buckets, plus the events
 * of the edges when the counts put few enough of them around the edges for the budget;
 * else, for the edges, estimates from the counts of the buckets holding them. One
 * statement decides and answers.
 */
function countedCtes(
  dimensions: readonly CountDimension[],
  filter: CountFilter,
  cover: { pieces: CountPiece[]; edges: Edge[]; grain: CountGrain },
  request: CountRequest,
): SQL {
  const counts = countsWithin(dimensions, filter, cover.pieces);
  const fromEvents = eventsWithin(dimensions, cover.edges, request.conditions);
  if (!fromEvents) {
    return sql`edges_read AS (SELECT true AS read), counted AS (${counts})`;
  }
  const { grain } = cover;
  // The whole buckets around the edges hold at least as many events as the edges.
  const around = edgeEstimates(cover.edges, grain).map((p) => ({ ...p, weight: 1 }));
  const estimates = countsWithin(dimensions, filter, edgeEstimates(cover.edges, grain));
  return sql`edges_read AS (
               SELECT coalesce(sum(n), 0) <= ${request.budget} AS read
               FROM (${countsWithin([dimensionOf(filter)], filter, around)}) AS around),
             counted AS (
               ${counts}
               UNION ALL
               SELECT * FROM (${fromEvents}) AS edges WHERE (SELECT read FROM edges_read)
               UNION ALL
               SELECT * FROM (${estimates}) AS estimated WHERE NOT (SELECT read FROM edges_read))`;
}

// ---------------------------------------------------------------- range bounds

/** First and last instant of the events the counts hold for a filter, or null if none. */
async function countedBounds(
  db: Database,
  filter: CountFilter,
): Promise<{ from: Date; to: Date } | null> {
  const dimension = dimensionOf(filter);
  const grain = finestGrain(dimension);
  const storedWhere = whereAll([
    sql`c.dimension = ${dimension}`,
    sql`c.grain = ${grain}::count_grain`,
    sql`c.n > 0`,
    ...countConditions('c', filter),
  ]);
  const pendingWhere = whereAll([
    sql`f.dimension = ${dimension}`,
    sql`f.n > 0`,
    ...countConditions('f', filter),
  ]);
  const epochMs = (instant: SQL) => sql`(extract(epoch FROM ${instant}) * 1000)::float8`;
  // ORDER BY … LIMIT 1 rather than min(): an index walk that stops at the first row, which
  // the planner did not choose for min() when it expected few rows (a full scan: RESULTS.md,
  // page open, all time).
  const stored = (order: 'ASC' | 'DESC') =>
    sql`(SELECT c.bucket FROM event_counts c WHERE ${storedWhere}
         ORDER BY c.bucket ${sql.raw(order)} LIMIT 1)`;
  const pending = (aggregate: 'min' | 'max') =>
    sql`(SELECT ${sql.raw(aggregate)}(f.bucket) FROM (${finestCountsOf(deltaEvents())}) AS f
         WHERE ${pendingWhere})`;
  const [row] = await queryRows<{ first: number | null; last: number | null }>(
    db,
    sql`SELECT ${epochMs(sql`least(${stored('ASC')}, ${pending('min')})`)} AS first,
               ${epochMs(sql`greatest(${stored('DESC')}, ${pending('max')})`)} AS last`,
  );
  if (row?.first == null || row.last == null) return null;
  return { from: new Date(row.first), to: new Date(grainNext(row.last, grain) - 1) };
}

// ---------------------------------------------------------------- reading events within a budget

/**
 * The newest stretch of [from, to] in which the counts (of a looser filter, so an upper
 * bound) put at most `budget` events: reading the events there is bounded
 * whatever the filter. Returns where it starts: `from` when the whole range fits.
 */
async function budgetWindowStart(
  db: Database,
  filter: CountFilter,
  from: number,
  to: number,
  /** The budget, given how many events the counts put in the whole range. */
  budgetFor: (total: number) => Promise<number>,
): Promise<number> {
  const finest = finestGrain(dimensionOf(filter));
  let remaining: number | undefined;
  let start = from;
  let end = to + 1;
  let coarsest: CountGrain = 'month';
  let anyFits = false;
  for (;;) {
    const { pieces, edges } = coverRange(start, end, finest, coarsest);
    // An edge counts as its whole bucket.
    const buckets = await countPerBucket(db, filter, [
      ...pieces,
      ...edgeEstimates(edges, finest).map((p) => ({ ...p, weight: 1 })),
    ]);
    remaining ??= await budgetFor(buckets.reduce((sum, bucket) => sum + bucket.n, 0));
    let crossing: CountedBucket | undefined;
    for (const bucket of buckets.sort((a, b) => b.from - a.from)) {
      if (bucket.n > remaining) {
        crossing = bucket;
        break;
      }
      remaining -= bucket.n;
      end = Math.max(start, bucket.from);
      anyFits = true;
    }
    if (!crossing) return start;
    if (crossing.grain === finest) {
      // Nothing finer to cut it by: the window starts after it or, when nothing newer
      // fits, within it (the read then stops at the budget's newest events).
      return Math.max(start, anyFits ? crossing.to : crossing.from);
    }
    // Cut the bucket that does not fit into finer ones, and go on within it.
    start = Math.max(start, crossing.from);
    end = Math.min(end, crossing.to);
    coarsest = COUNT_GRAINS[COUNT_GRAINS.indexOf(crossing.grain) - 1] ?? finest;
  }
}

// ---------------------------------------------------------------- histogram

const GRAIN_MS = { minute: 60_000, hour: 3_600_000 } as const;
/** Below this many buckets of the finest grain, a range is read from the events instead. */
const MIN_COUNTED_BUCKETS = 12;

export interface HistogramBucket {
  start: Date;
  total: number;
  byStatus: Record<EventStatus, number>;
}

export interface Histogram {
  bucket: BucketSize;
  from: Date | null;
  to: Date | null;
  /** Every bucket from the one holding `from` to the one holding `to`, empty ones included. */
  buckets: HistogramBucket[];
  basis: CountBasis;
}

/** The caller's filter (its parts, tenant and SQL conditions), and what it may read. */
export interface CountRequest extends EventScope {
  /** Most events it may read from the events table. */
  budget: number;
}

const EXACT: CountBasis = { exact: true, source: 'rollups', since: null, eventsRead: 0 };

/** Events per bucket (by status) over the filter's range, or over all matching events. */
export async function eventHistogram(
  db: Database,
  request: CountRequest,
  target: number,
  timeZone: string,
): Promise<Histogram> {
  const { filter, complete } = countFilterOf(request.parts, request.tenantScope);
  const bounds = filter.from && filter.to ? null : await countedBounds(db, filter);
  const from = filter.from?.getTime() ?? bounds?.from.getTime();
  const to = filter.to?.getTime() ?? bounds?.to.getTime();
  if (from === undefined || to === undefined || from > to) {
    return { bucket: 60_000, from: null, to: null, buckets: [], basis: EXACT };
  }
  const grain = finestGrain(dimensionOf(filter));
  const grainMs = GRAIN_MS[grain as keyof typeof GRAIN_MS];
  const counted = complete && to + 1 - from >= MIN_COUNTED_BUCKETS * grainMs;
  const bucket = chooseBucket(to + 1 - from, target, counted ? grainMs : 0);
  const boundaries = bucketBoundaries(from, to, bucket, timeZone);
  const { rows, basis } = counted
    ? await histogramFromCounts(db, request, filter, boundaries, from, to)
    : await histogramFromEvents(db, request, filter, boundaries, from, to);

  const buckets = boundaries.slice(0, -1).map((start) => ({
    start: new Date(start),
    total: 0,
    byStatus: Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>,
  }));
  for (const row of rows) {
    const entry = buckets[row.slot - 1];
    if (!entry) continue;
    entry.total += row.n;
    entry.byStatus[row.status] += row.n;
  }
  return { bucket, from: new Date(from), to: new Date(to), buckets, basis };
}

/** Which of the boundaries' buckets `column` falls in (1-based; clamped to the range). */
function slotOf(column: SQL, boundaries: number[]): SQL {
  const array = sql`${`{${boundaries.map(iso).join(',')}}`}::timestamptz[]`;
  return sql`greatest(1, least(${boundaries.length - 1}, width_bucket(${column}, ${array})))`;
}

/** Events in one bucket and status; slot 0 is the summary of what was read. */
type SlotRow = {
  slot: number;
  status: EventStatus;
  n: number;
};

async function histogramFromCounts(
  db: Database,
  request: CountRequest,
  filter: CountFilter,
  boundaries: number[],
  from: number,
  to: number,
): Promise<{ rows: SlotRow[]; basis: CountBasis }> {
  const dimension = dimensionOf(filter);
  const grain = finestGrain(dimension);
  const cover = { ...coverSpans(boundaries, from, to + 1, grain), grain };
  const rows = await queryRows<SlotRow & { read: number; exact: boolean | null }>(
    db,
    sql`WITH ${countedCtes([dimension], filter, cover, request)}
        SELECT ${slotOf(sql`bucket`, boundaries)} AS slot, status, round(sum(n))::float8 AS n,
               0 AS read, NULL::boolean AS exact
        FROM counted GROUP BY 1, 2
        UNION ALL
        SELECT 0, NULL, 0, (SELECT coalesce(sum(read), 0)::int FROM counted),
               (SELECT read FROM edges_read)`,
  );
  const summary = rows.find((row) => row.slot === 0);
  return {
    rows: rows.filter((row) => row.slot !== 0),
    basis: {
      exact: summary?.exact ?? true,
      source: 'rollups',
      since: null,
      eventsRead: summary?.read ?? 0,
    },
  };
}

/**
 * The newest matching events of [from, to] within the budget, as `newest` (their time and
 * `columns`), for a query that follows; and what the answer will be based on.
 */
async function newestEvents(
  db: Database,
  request: CountRequest,
  filter: CountFilter,
  from: number,
  to: number,
  columns: SQL,
): Promise<{ cte: SQL; windowStart: number }> {
  const notAfter = sql`${events.occurredAt} <= ${iso(to)}::timestamptz`;
  const inRange = [sql`${events.occurredAt} >= ${iso(from)}::timestamptz`, notAfter];
  // The events are read through an index on what the filter names, so a read costs about
  // what it finds: a window with more events than the budget is fine if few match. The
  // planner's guess of how few widens it, at most WIDEN_AT_MOST times (a guess wrong by
  // more costs at most that many times the budget).
  const expected = plannedRows(
    db,
    sql`SELECT 1 FROM ${events} WHERE ${whereAll([...request.conditions, ...inRange])}`,
  );
  expected.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  const windowStart = await budgetWindowStart(db, filter, from, to, async (total) => {
    const widen = Math.min(WIDEN_AT_MOST, Math.max(1, total / Math.max(await expected, 1)));
    return Math.round(request.budget * widen);
  });
  const where = whereAll([
    ...request.conditions,
    sql`${events.occurredAt} >= ${iso(windowStart)}::timestamptz`,
    notAfter,
  ]);
  return {
    windowStart,
    cte: sql`newest AS (
               SELECT ${events.occurredAt} AS occurred_at, ${columns} FROM ${events} WHERE ${where}
               ORDER BY ${events.occurredAt} DESC LIMIT ${request.budget})`,
  };
}

/** The basis of an answer from the newest events: exact when they are all the range holds. */
function newestBasis(
  request: CountRequest,
  from: number,
  windowStart: number,
  read: number,
  oldestRead: string | null,
): CountBasis {
  const truncated = read >= request.budget;
  const exact = windowStart <= from && !truncated;
  const since = exact
    ? null
    : truncated && oldestRead
      ? new Date(Number(oldestRead))
      : new Date(windowStart);
  return { exact, source: 'events', since, eventsRead: read };
}

async function histogramFromEvents(
  db: Database,
  request: CountRequest,
  filter: CountFilter,
  boundaries: number[],
  from: number,
  to: number,
): Promise<{ rows: SlotRow[]; basis: CountBasis }> {
  const { cte, windowStart } = await newestEvents(
    db,
    request,
    filter,
    from,
    to,
    sql`${events.status}::text AS status`,
  );
  const rows = await queryRows<SlotRow & { oldest: string | null }>(
    db,
    sql`WITH ${cte}
        SELECT ${slotOf(sql`occurred_at`, boundaries)} AS slot, status, count(*)::float8 AS n,
               NULL AS oldest
        FROM newest GROUP BY 1, 2
        UNION ALL
        SELECT 0, NULL, count(*)::float8, (extract(epoch FROM min(occurred_at)) * 1000)::float8::text
        FROM newest`,
  );
  const summary = rows.find((row) => row.slot === 0);
  return {
    rows: rows.filter((row) => row.slot !== 0),
    basis: newestBasis(request, from, windowStart, summary?.n ?? 0, summary?.oldest ?? null),
  };
}

// ---------------------------------------------------------------- facets

/** The fields facets can be asked of (declared with a `facet`), and the column of each. */
export const FACET_COLUMNS = Object.fromEntries(
  DECLARED_FACET_FIELDS.map((field) => [field, events[field]]),
) as { [K in FacetField]: (typeof events)[K] };
export type { FacetField };
export const FACET_FIELDS = DECLARED_FACET_FIELDS as [FacetField, ...FacetField[]];

export type FacetValues = { value: string | null; count: number }[];

/** The earliest and latest instants the filter accepts: a range without ends is whole months. */
const ALL_TIME = {
  from: Date.parse('0001-01-01T00:00:00.000Z'),
  to: Date.parse('9999-12-31T23:59:59.999Z'),
};

/** The most frequent values of each asked field among the matching events. */
export async function eventFacets(
  db: Database,
  request: CountRequest,
  fields: readonly FacetField[],
  limit: number,
): Promise<{ fields: Partial<Record<FacetField, FacetValues>>; basis: CountBasis }> {
  const { filter, complete } = countFilterOf(request.parts, request.tenantScope);
  const from = filter.from?.getTime() ?? ALL_TIME.from;
  const to = filter.to?.getTime() ?? ALL_TIME.to;
  const result: Partial<Record<FacetField, FacetValues>> = {};
  for (const field of fields) result[field] = [];
  if (from > to) return { fields: result, basis: EXACT };

  // With a field's values in the filter, the counts know the other fields' values only
  // of the whole tenant and status: those come from the events.
  const fromCounts = complete
    ? fields.filter(
        (f) => !filter.field || f === filter.field.name || f === 'status' || f === 'tenant',
      )
    : [];
  const fromEvents = fields.filter((f) => !fromCounts.includes(f));
  const [counted, read] = await Promise.all([
    fromCounts.length ? facetsFromCounts(db, request, filter, fromCounts, limit, from, to) : null,
    fromEvents.length ? facetsFromEvents(db, request, filter, fromEvents, limit, from, to) : null,
  ]);
  for (const part of [counted, read]) {
    for (const row of part?.rows ?? []) {
      if (row.facet) result[row.facet]?.push({ value: row.value, count: row.n });
    }
  }
  const bases = [counted?.basis, read?.basis].filter((b): b is CountBasis => b !== undefined);
  return {
    fields: result,
    basis: {
      exact: bases.every((b) => b.exact),
      source: bases.some((b) => b.source === 'events') ? 'events' : 'rollups',
      since: read?.basis.since ?? null,
      eventsRead: bases.reduce((sum, b) => sum + b.eventsRead, 0),
    },
  };
}

/** A facet's value and count; the row without a facet is the summary of what was read. */
type FacetRow = {
  facet: FacetField | null;
  value: string | null;
  n: number;
};

/** Top `limit` values per facet, with ties in value order, from rows of `facet, value, n`. */
function topValues(facetRows: SQL, limit: number): SQL {
  return sql`SELECT facet, value, n FROM (
               SELECT facet, value, round(sum(n))::float8 AS n,
                      row_number() OVER (PARTITION BY facet
                                         ORDER BY round(sum(n)) DESC, value COLLATE "C") AS rank
               FROM (${facetRows}) AS facet_rows
               GROUP BY facet, value HAVING round(sum(n)) > 0) AS ranked
             WHERE rank <= ${limit}`;
}

async function facetsFromCounts(
  db: Database,
  request: CountRequest,
  filter: CountFilter,
  fields: FacetField[],
  limit: number,
  from: number,
  to: number,
): Promise<{ rows: FacetRow[]; basis: CountBasis }> {
  // Tenant and status come from the rows of the filter's field, or from the totals.
  const totals: CountDimension = dimensionOf(filter);
  const dimensions: CountDimension[] = [
    totals,
    ...COUNTED_FIELD_NAMES.filter((f) => f !== totals && fields.includes(f)),
  ];
  // Hours: the finest grain every counted field has.
  const cover = { ...coverRange(from, to + 1, 'hour'), grain: 'hour' as const };
  // Summed over time first: the expansion below then sees a row per value, not per bucket.
  const facetRows = sql`
    SELECT x.facet, x.value, c.n
    FROM (SELECT dimension, tenant, status, value, sum(n) AS n FROM counted
          GROUP BY dimension, tenant, status, value) AS c
    CROSS JOIN LATERAL (VALUES ('tenant', c.tenant), ('status', c.status), (c.dimension, c.value))
      AS x(facet, value)
    WHERE ${inList(sql`x.facet`, fields)}
      AND CASE WHEN x.facet IN ('tenant', 'status') THEN c.dimension = ${totals}
               ELSE x.facet = c.dimension END`;
  const rows = await queryRows<FacetRow & { read: number; exact: boolean | null }>(
    db,
    sql`WITH ${countedCtes(dimensions, filter, cover, request)}
        SELECT facet, value, n, 0 AS read, NULL::boolean AS exact
        FROM (${topValues(facetRows, limit)}) AS top
        UNION ALL
        SELECT NULL, NULL, NULL, (SELECT coalesce(sum(read), 0)::int FROM counted),
               (SELECT read FROM edges_read)`,
  );
  const summary = rows.find((row) => row.facet === null);
  return {
    rows: rows.filter((row) => row.facet !== null),
    basis: {
      exact: summary?.exact ?? true,
      source: 'rollups',
      since: null,
      eventsRead: summary?.read ?? 0,
    },
  };
}

async function facetsFromEvents(
  db: Database,
  request: CountRequest,
  filter: CountFilter,
  fields: FacetField[],
  limit: number,
  from: number,
  to: number,
): Promise<{ rows: FacetRow[]; basis: CountBasis }> {
  const columns = sql.join(
    fields.map((f) => sql`${FACET_COLUMNS[f]}::text COLLATE "C" AS ${sql.identifier(f)}`),
    sql`, `,
  );
  const { cte, windowStart } = await newestEvents(db, request, filter, from, to, columns);
  const facetRows = sql`
    SELECT x.facet, x.value, 1 AS n
    FROM newest e
    CROSS JOIN LATERAL (VALUES ${sql.join(
      fields.map((f) => sql`(${f}::text, e.${sql.identifier(f)})`),
      sql`, `,
    )}) AS x(facet, value)`;
  const rows = await queryRows<FacetRow & { read: number; oldest: string | null }>(
    db,
    sql`WITH ${cte}
        SELECT facet, value, n, 0 AS read, NULL AS oldest FROM (${topValues(facetRows, limit)}) AS top
        UNION ALL
        SELECT NULL, NULL, NULL, count(*)::int,
               (extract(epoch FROM min(occurred_at)) * 1000)::float8::text
        FROM newest`,
  );
  const summary = rows.find((row) => row.facet === null);
  return {
    rows: rows.filter((row) => row.facet !== null),
    basis: newestBasis(request, from, windowStart, summary?.read ?? 0, summary?.oldest ?? null),
  };
}
