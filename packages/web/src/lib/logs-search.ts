import {
  declarationOf,
  fieldsWhere,
  type EnumValues,
  type FieldsWhere,
  type FilterField,
  type SortableField,
} from '@audit/db/fields';
import { isTimeZone, type EventFilterInput } from '@audit/api/filters';
import { z } from 'zod';

/**
 * The Audit Logs page's whole state, as it lives in the URL: reload or share the link and the
 * same view comes back. Parsing never throws: a value that does not fit is dropped, so an old
 * or hand-edited link still opens.
 */

export const RANGE_PRESETS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
const PRESET_KEYS = Object.keys(RANGE_PRESETS) as [RangePreset, ...RangePreset[]];
/** `range` in the URL: a preset, or every event (`range=all`). */
export type RangeChoice = RangePreset | 'all';
/**
 * The range of a link without one (no `range`, `from` or `to`): a working week and its
 * weekend, what "what happened recently" usually means. Choosing it drops `range` from the URL.
 */
export const DEFAULT_RANGE: RangePreset = '7d';

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** Fields the table can show (declared with a `column`): each sorts by header click. */
export type ColumnId = FieldsWhere<'column', string> & SortableField;

/** Columns of the table, in declaration order; `cols` in the URL lists the visible ones. */
export const COLUMNS: readonly { id: ColumnId; label: string }[] = fieldsWhere<ColumnId>(
  (d) => d.column !== undefined,
).map((id) => ({ id, label: declarationOf(id).label }));
const COLUMN_IDS = COLUMNS.map((c) => c.id) as [ColumnId, ...ColumnId[]];
/** The columns shown by default (declared `column: 'default'`, the seeds' default columns). */
export const DEFAULT_COLUMNS: readonly ColumnId[] = fieldsWhere<ColumnId>(
  (d) => d.column === 'default',
);

/** Filter fields with a control of their own (declared `filterControl`), and a URL key each. */
export type FilterKey = FieldsWhere<'filterControl', object> & FilterField;
export const FILTER_KEYS = fieldsWhere<FilterKey>((d) => d.filterControl !== undefined);

/** What a filter control holds: an enum field's values, or any text. */
type FilterValues<K extends FilterKey> = [EnumValues<K>] extends [never]
  ? string[]
  : EnumValues<K>[number][];

/** URL values arrive JSON-decoded (TanStack Router), so `?event=12` is a number: take both. */
const idString = z.union([z.string(), z.number()]).transform(String);
const values = z.array(z.string().min(1)).min(1);
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

function filterValuesSchema(field: FilterKey): z.ZodType<string[]> {
  const enumerated = declarationOf(field).values;
  return enumerated ? z.array(z.enum(enumerated)).min(1) : values;
}

const filterControls = Object.fromEntries(
  FILTER_KEYS.map((field) => [field, optional(filterValuesSchema(field))]),
) as { [K in FilterKey]: ReturnType<typeof optional<z.ZodType<FilterValues<K>>>> };

export const logsSearchSchema = z.object({
  q: optional(z.string().min(1)),
  ...filterControls,
  /**
   * A preset range, relative to now, or `all`; ignored when from or to is given. Absent:
   * DEFAULT_RANGE.
   */
  range: optional(z.enum([...PRESET_KEYS, 'all'])),
  from: optional(z.iso.datetime({ offset: true })),
  to: optional(z.iso.datetime({ offset: true })),
  sort: optional(z.enum(COLUMN_IDS)),
  dir: optional(z.enum(['asc', 'desc'])),
  limit: optional(z.union(PAGE_SIZES.map((n) => z.literal(n)))),
  cursor: optional(z.string().min(1)),
  cols: optional(z.array(z.enum(COLUMN_IDS)).min(1)),
  tz: optional(z.string().min(1).refine(isTimeZone)),
  /** The detail drawer: the event's id and, to read one partition, its time. */
  event: optional(idString),
  at: optional(z.iso.datetime({ offset: true })),
});
export type LogsSearch = z.output<typeof logsSearchSchema>;

export function parseLogsSearch(raw: Record<string, unknown>): LogsSearch {
  return compact(logsSearchSchema.parse(raw));
}

/** Without undefined values and empty lists: the URL carries only what narrows or shapes the view. */
function compact(search: LogsSearch): LogsSearch {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(search) as [string, unknown][]) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    kept[key] = value;
  }
  return kept;
}

/** The filter the API receives for this view; `now` anchors a preset range. */
export function searchToFilter(search: LogsSearch, now: number): EventFilterInput {
  const filter: EventFilterInput = {};
  if (search.q) filter.q = search.q;
  for (const field of FILTER_KEYS) {
    const chosen = search[field];
    if (chosen) (filter as Record<FilterKey, string[]>)[field] = chosen;
  }
  if (search.from || search.to) {
    if (search.from) filter.from = search.from;
    if (search.to) filter.to = search.to;
  } else {
    const range = search.range ?? DEFAULT_RANGE;
    if (range !== 'all') filter.from = new Date(now - RANGE_PRESETS[range].ms).toISOString();
  }
  return filter;
}

/** The preset range the view shows ('custom' when from or to is given). */
export function rangeOf(search: LogsSearch): RangeChoice | 'custom' {
  if (search.from || search.to) return 'custom';
  return search.range ?? DEFAULT_RANGE;
}

/**
 * Changing what is shown (a filter, the sort, the page size) starts again at the first page:
 * the old cursor points into a different result.
 */
export function withFilter(search: LogsSearch, change: Partial<LogsSearch>): LogsSearch {
  return compact({ ...search, ...change, cursor: undefined });
}

/** Adds one value to a filter (a facet click), keeping the values already there. */
export function addFilterValue(search: LogsSearch, key: FilterKey, value: string): LogsSearch {
  const current: readonly string[] = search[key] ?? [];
  if (current.includes(value)) return search;
  return withFilter(search, { [key]: [...current, value] });
}

/** A time range chosen by dragging across the histogram (or typed in): custom from/to. */
export function withRange(search: LogsSearch, from: Date, to: Date): LogsSearch {
  const [start, end] = from <= to ? [from, to] : [to, from];
  return withFilter(search, { range: undefined, from: start.toISOString(), to: end.toISOString() });
}

/** A preset range (or all time); the default one leaves `range` out of the URL. */
export function withPreset(search: LogsSearch, preset: RangeChoice): LogsSearch {
  const range = preset === DEFAULT_RANGE ? undefined : preset;
  return withFilter(search, { range, from: undefined, to: undefined });
}

/** Header click: first click sorts descending, the next ascending; the time column is the default. */
export function withSortToggled(search: LogsSearch, column: ColumnId): LogsSearch {
  const current = search.sort ?? 'occurredAt';
  const direction = search.dir ?? 'desc';
  const dir = current === column && direction === 'desc' ? 'asc' : 'desc';
  if (column === 'occurredAt' && dir === 'desc') {
    return withFilter(search, { sort: undefined, dir: undefined });
  }
  return withFilter(search, { sort: column, dir });
}

/** How many filters narrow or widen the view beyond the default (for the "clear" button). */
export function activeFilterCount(search: LogsSearch): number {
  const keys: (keyof LogsSearch)[] = ['q', 'range', 'from', 'to', ...FILTER_KEYS];
  return keys.filter((key) => search[key] !== undefined).length;
}

/** Back to the default view (DEFAULT_RANGE, no filters), keeping how the table looks. */
export function clearFilters(search: LogsSearch): LogsSearch {
  const { sort, dir, limit, cols, tz } = search;
  return compact({ sort, dir, limit, cols, tz });
}
