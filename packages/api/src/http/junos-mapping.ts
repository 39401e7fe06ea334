import { EVENT_STATUSES, type EventStatus } from '@audit/db';

import type { SortField } from '../data/events';
import {
  whereValueSchema,
  type WhereComparison,
  type WhereCondition,
  type WhereField,
  type WhereOp,
} from '../filters/schema';
import { JunosSyntaxError, type JunosFilter, type JunosOp, type JunosValue } from './junos-filter';
import { parseLogTime, type JunosZone } from './junos-time';

/**
 * Junos Space's audit-log fields in our terms: the one place that says which event field
 * each one is (the compiler checks every name against the filterable and sortable fields).
 * Key order is the order of the elements in an answer, as the seed writes them. `key` is
 * the event's `id`. `result` shows the result code when there is one, else the status as
 * Junos writes it (STATUS_LABELS); it sorts by the result code.
 */
export const JUNOS_FIELDS = {
  userName: 'userName',
  userIpAddr: 'userIp',
  description: 'description',
  logTime: 'occurredAt',
  applicationName: 'application',
  taskName: 'taskName',
  result: 'resultCode',
} as const satisfies Record<string, WhereField & SortField>;

export type JunosField = keyof typeof JUNOS_FIELDS;
export const JUNOS_FIELD_NAMES = Object.keys(JUNOS_FIELDS) as JunosField[];

/** Our statuses as Junos Space writes them in `result`. */
export const STATUS_LABELS: Record<EventStatus, string> = {
  success: 'Success',
  failure: 'Failure',
  job_scheduled: 'Job Scheduled',
  recurring_job_scheduled: 'Recurring Job Scheduled',
};

const OPS: Record<JunosOp, WhereOp> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'gt',
  ge: 'ge',
  lt: 'lt',
  le: 'le',
  contains: 'contains',
  'starts-with': 'startsWith',
};

/** Whether `left op right` holds for two strings (as the database compares them: by code point). */
function holds(left: string, op: JunosOp, right: string): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    case 'contains':
      return left.includes(right);
    case 'starts-with':
      return left.startsWith(right);
  }
}

const compare = (field: WhereField, op: WhereOp, value: string | null): WhereComparison => ({
  field,
  op,
  value,
});

/** `result op value`: the result code when there is one, else the status's label. */
function resultCondition(op: JunosOp, value: string): WhereCondition {
  const statuses = EVENT_STATUSES.filter((status) => holds(STATUS_LABELS[status], op, value));
  const code = JUNOS_FIELDS.result;
  const byCode: WhereCondition = {
    all: [compare(code, 'ne', null), compare(code, OPS[op], value)],
  };
  if (!statuses.length) return byCode;
  const byStatus: WhereCondition[] = [compare(code, 'eq', null)];
  if (statuses.length < EVENT_STATUSES.length) {
    const each = statuses.map((status) => compare('status', 'eq', status));
    byStatus.push(each.length === 1 ? (each[0] as WhereComparison) : { any: each });
  }
  return { any: [byCode, { all: byStatus }] };
}

const SECOND = 1000;

/**
 * `logTime op t` at the listing's precision, whole seconds: `eq t` is [t, t + 1 s), `gt t`
 * from t + 1 s on, `le t` before t + 1 s.
 */
function timeCondition(op: JunosOp, at: Date): WhereCondition {
  const start = at.toISOString();
  const next = new Date(at.getTime() + SECOND).toISOString();
  const time = (o: WhereOp, v: string) => compare('occurredAt', o, v);
  switch (op) {
    case 'eq':
      return { all: [time('ge', start), time('lt', next)] };
    case 'ne':
      return { any: [time('lt', start), time('ge', next)] };
    case 'gt':
      return time('ge', next);
    case 'ge':
      return time('ge', start);
    case 'lt':
      return time('lt', start);
    case 'le':
      return time('lt', next);
    default:
      throw new Error(`logTime cannot be compared with ${op}`);
  }
}

function valueError(value: JunosValue, field: string, reason: string): JunosSyntaxError {
  return new JunosSyntaxError(value.at, `${field}: ${reason}`);
}

function comparison(field: JunosField, op: JunosOp, value: JunosValue, zone: JunosZone) {
  if (field === 'logTime') {
    if (op === 'contains' || op === 'starts-with') {
      throw valueError(value, field, `takes eq, ne, gt, ge, lt, le, not ${op}`);
    }
    const at = parseLogTime(value.text, zone);
    if (!at) {
      throw valueError(
        value,
        field,
        `expected timestamp('YYYY-MM-DD HH:mm:ss'), found '${value.text}'`,
      );
    }
    return timeCondition(op, at);
  }
  if (value.timestamp) throw valueError(value, field, 'timestamp() is for logTime only');
  const ours = JUNOS_FIELDS[field];
  // The value as the where model will check it, refused here with its place.
  const checked = whereValueSchema(ours, OPS[op]).safeParse(value.text);
  if (!checked.success) {
    throw valueError(value, field, checked.error.issues[0]?.message ?? 'not a valid value');
  }
  if (field === 'result') return resultCondition(op, value.text);
  return compare(ours, OPS[op], value.text);
}

/** A parsed `filter=` as the where tree of the one filter model, times read in `zone`. */
export function junosWhere(filter: JunosFilter, zone: JunosZone): WhereCondition {
  if (filter.kind === 'compare') {
    return comparison(filter.field as JunosField, filter.op, filter.value, zone);
  }
  const parts = filter.parts.map((part) => junosWhere(part, zone));
  return filter.kind === 'and' ? { all: parts } : { any: parts };
}
