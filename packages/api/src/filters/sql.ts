import { events } from '@audit/db';
import { declarationOf, FULL_TEXT_FIELD, isEventField, RANGE_FIELD } from '@audit/db/fields';
import { and, inArray, not, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

import { instantSchema } from '../schemas/values';
import {
  VALUE_FILTER_FIELDS,
  type EventFilter,
  type ValueFilterField,
  type WhereComparison,
  type WhereCondition,
} from './schema';

/** Whether `value` of filter field `field` is a prefix match (`tenant.*`). */
export function isPrefixPattern(field: string, value: string): boolean {
  return isEventField(field) && declarationOf(field).filter === 'prefix' && value.endsWith('*');
}

/** The expression the full-text index is built on (migrations/0000): must match it exactly. */
export const descriptionDocument = sql`to_tsvector('simple', coalesce(${events[FULL_TEXT_FIELD]}, ''))`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Exact values, or prefixes (`tenant.*`): the column is COLLATE "C", so LIKE is an index range. */
function prefixCondition(column: AnyPgColumn, values: string[]): SQL | undefined {
  const exact = values.filter((v) => !v.endsWith('*'));
  const prefixes = values.filter((v) => v.endsWith('*')).map((v) => v.slice(0, -1));
  return or(
    ...(exact.length ? [inArray(column, exact)] : []),
    ...prefixes.map((prefix) => sql`${column} LIKE ${escapeLike(prefix) + '%'}`),
  );
}

/** Addresses (equal) or CIDR blocks (contained: the GiST index serves <<=). */
function cidrCondition(column: AnyPgColumn, values: string[]): SQL | undefined {
  return or(
    ...values.map((ip) =>
      ip.includes('/') ? sql`${column} <<= ${ip}::inet` : sql`${column} = ${ip}::inet`,
    ),
  );
}

/** The condition of one value-list field, by its declared filter kind. */
function valueCondition(field: ValueFilterField, values: string[]): SQL | undefined {
  const column = events[field];
  switch (declarationOf(field).filter) {
    case 'prefix':
      return prefixCondition(column, values);
    case 'cidr':
      return cidrCondition(column, values);
    case 'exact':
      return inArray(column, values);
  }
}

/** WHERE conditions for one filter (without its `q`, which the caller parses into another). */
export function filterConditions(filter: Omit<EventFilter, 'q'>): SQL[] {
  const conditions: SQL[] = [];
  for (const field of VALUE_FILTER_FIELDS) {
    const values: string[] | undefined = filter[field];
    const condition = values && valueCondition(field, values);
    if (condition) conditions.push(condition);
  }
  const words = filter[FULL_TEXT_FIELD];
  if (words)
    conditions.push(sql`${descriptionDocument} @@ websearch_to_tsquery('simple', ${words})`);
  const time = events[RANGE_FIELD];
  if (filter.from) conditions.push(sql`${time} >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) conditions.push(sql`${time} <= ${filter.to.toISOString()}::timestamptz`);
  if (filter.where) conditions.push(whereCondition(filter.where));
  return conditions;
}

// ---------------------------------------------------------------- the condition tree

const ORDERING = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** A comparison's value as SQL of the column's type (the schema has checked it). */
function typedValue(comparison: WhereComparison & { value: string }): SQL {
  const { field, value } = comparison;
  const declared = declarationOf(field);
  switch (declared.kind) {
    case 'id':
    case 'count':
      return sql`${value}::bigint`;
    case 'uuid':
      return sql`${value}::uuid`;
    case 'time':
      return sql`${instantSchema.parse(value).toISOString()}::timestamptz`;
    case 'ip':
      return sql`${value}::inet`;
    case 'enum':
      return sql`${value}::${sql.raw(events[field].getSQLType())}`;
    default:
      return sql`${value}`;
  }
}

/**
 * One comparison, never NULL (so that `not` and `any` keep two-valued logic): `ne` is IS
 * DISTINCT FROM (a NULL differs from any value), the others are false on a NULL.
 */
function comparisonCondition(comparison: WhereComparison): SQL {
  const { field, op, value } = comparison;
  const column = events[field];
  if (value === null) {
    return op === 'eq' ? sql`${column} IS NULL` : sql`${column} IS NOT NULL`;
  }
  if (op === 'ne') return sql`${column} IS DISTINCT FROM ${typedValue({ field, op, value })}`;
  let test: SQL;
  if (op === 'contains' || op === 'startsWith') {
    // An address is matched as its text (`172.16.`); the pattern's own % and _ are literal.
    const text = declarationOf(field).kind === 'ip' ? sql`host(${column})` : sql`${column}`;
    const pattern = (op === 'contains' ? '%' : '') + escapeLike(value) + '%';
    test = sql`${text} LIKE ${pattern}`;
  } else {
    const operator = op === 'eq' ? '=' : ORDERING[op];
    test = sql`${column} ${sql.raw(operator)} ${typedValue({ field, op, value })}`;
  }
  return column.notNull ? test : sql`(${column} IS NOT NULL AND ${test})`;
}

/** The SQL of a condition tree (its size was bounded by the schema). */
export function whereCondition(condition: WhereCondition): SQL {
  if ('field' in condition) return comparisonCondition(condition);
  if ('not' in condition) return not(whereCondition(condition.not));
  const parts = ('all' in condition ? condition.all : condition.any).map(whereCondition);
  return ('all' in condition ? and(...parts) : or(...parts)) ?? sql`true`;
}

export function whereAll(conditions: SQL[]): SQL | undefined {
  return conditions.length ? and(...conditions) : undefined;
}
