import { events } from '@audit/db';
import { and, inArray, or, sql, type SQL } from 'drizzle-orm';

import type { EventFilter } from './schema';

/** The columns the exact-value filters compare, by filter field. */
const EXACT_COLUMNS = {
  tenant: events.tenant,
  userName: events.userName,
  userAgent: events.userAgent,
  domain: events.domain,
  application: events.application,
  workspace: events.workspace,
  systemId: events.systemId,
  objectType: events.objectType,
  resultCode: events.resultCode,
} as const;

/** Filters whose values may end in `*` for a prefix match. */
const PATTERN_COLUMNS = {
  taskName: events.taskName,
  objectName: events.objectName,
} as const;

/** Whether `value` of filter field `field` is a prefix match (`tenant.*`). */
export function isPrefixPattern(field: string, value: string): boolean {
  return field in PATTERN_COLUMNS && value.endsWith('*');
}

/** The expression the full-text index is built on (migrations/0000): must match it exactly. */
export const descriptionDocument = sql`to_tsvector('simple', coalesce(${events.description}, ''))`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** WHERE conditions for one filter (without its `q`, which the caller parses into another). */
export function filterConditions(filter: Omit<EventFilter, 'q'>): SQL[] {
  const conditions: SQL[] = [];
  for (const [field, column] of Object.entries(EXACT_COLUMNS)) {
    const values = filter[field as keyof typeof EXACT_COLUMNS];
    if (values) conditions.push(inArray(column, values));
  }
  for (const [field, column] of Object.entries(PATTERN_COLUMNS)) {
    const values = filter[field as keyof typeof PATTERN_COLUMNS];
    if (!values) continue;
    const exact = values.filter((v) => !v.endsWith('*'));
    const prefixes = values.filter((v) => v.endsWith('*')).map((v) => v.slice(0, -1));
    const alternatives: SQL[] = [];
    if (exact.length) alternatives.push(inArray(column, exact));
    for (const prefix of prefixes) {
      // The column is COLLATE "C", so this is an index range scan.
      alternatives.push(sql`${column} LIKE ${escapeLike(prefix) + '%'}`);
    }
    const any = or(...alternatives);
    if (any) conditions.push(any);
  }
  if (filter.userIp) {
    const any = or(
      ...filter.userIp.map((ip) =>
        ip.includes('/')
          ? sql`${events.userIp} <<= ${ip}::inet` // CIDR: the GiST index serves <<=
          : sql`${events.userIp} = ${ip}::inet`,
      ),
    );
    if (any) conditions.push(any);
  }
  if (filter.status) conditions.push(inArray(events.status, filter.status));
  if (filter.jobId) conditions.push(inArray(events.jobId, filter.jobId));
  if (filter.eventId) conditions.push(inArray(events.eventId, filter.eventId));
  if (filter.description) {
    conditions.push(
      sql`${descriptionDocument} @@ websearch_to_tsquery('simple', ${filter.description})`,
    );
  }
  if (filter.from)
    conditions.push(sql`${events.occurredAt} >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to)
    conditions.push(sql`${events.occurredAt} <= ${filter.to.toISOString()}::timestamptz`);
  return conditions;
}

export function whereAll(conditions: SQL[]): SQL | undefined {
  return conditions.length ? and(...conditions) : undefined;
}
