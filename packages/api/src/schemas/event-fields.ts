import { CHANGE_FORMATS, events, type Event } from '@audit/db';
import type { EVENT_FIELDS } from '@audit/db/fields';
import {
  declarationOf,
  EVENT_FIELD_NAMES,
  type EnumValues,
  type EventField,
  type FieldDeclaration,
  type FieldsWhere,
  type JsonField,
} from '@audit/db/fields';
import { getTableColumns } from 'drizzle-orm';
import { z } from 'zod';

import { isoDate } from './dates';
import {
  countSchema,
  decimalIdOrNumberSchema,
  type enumOf,
  enumSchemaOf,
  instantSchema,
  ipSchema,
  jsonSized,
  shortText,
} from './values';

/**
 * An event's input and output schemas, derived from its field declarations
 * (@audit/db/fields): what `auditLogs.record` accepts and what every read returns.
 */

type Fields = typeof EVENT_FIELDS;

// ---------------------------------------------------------------- the JSON documents

/** One object a task touched (Junos Space "Affected Objects" / "Affected Object Detail"). */
export const affectedObjectSchema = z
  .object({
    type: shortText(200),
    name: shortText(1000),
    id: z.string().max(200).optional(),
    detail: z.string().max(10_000).optional(),
  })
  .strict();

const changesShape = {
  format: z.enum(CHANGE_FORMATS),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
};

/** A configuration before/after ("View Configuration Detail"). */
export const changesSchema = z
  .object(changesShape)
  .strict()
  .refine(
    (c) =>
      c.format !== 'text' ||
      [c.before, c.after].every((v) => v === undefined || typeof v === 'string'),
    { message: 'before and after must be strings when format is "text"' },
  );

/**
 * The JSON fields' schemas: each has a shape of its own (kind `json` in the declarations).
 * Each is bounded in serialised size, so one event stays well under a megabyte whatever it
 * holds: a configuration's before/after may be a whole device's, the rest is smaller.
 */
const JSON_SCHEMAS = {
  affectedObjects: {
    input: jsonSized(z.array(affectedObjectSchema).max(1000), 256 * 1024),
    output: z.array(affectedObjectSchema),
  },
  changes: { input: jsonSized(changesSchema, 256 * 1024), output: z.object(changesShape) },
  metadata: {
    input: jsonSized(z.record(z.string(), z.unknown())),
    output: z.record(z.string(), z.unknown()),
  },
} satisfies Record<JsonField, { input: z.ZodType; output: z.ZodType }>;

// ---------------------------------------------------------------- one value, by kind

/** JSON numbers are accepted where the reference APIs send them (`"result": 200`). */
function codeSchema(max: number) {
  return z.union([shortText(max), z.number().int()]).transform(String);
}

type InputValue<K extends EventField> = {
  id: typeof decimalIdOrNumberSchema;
  uuid: z.ZodUUID;
  time: typeof instantSchema;
  text: z.ZodString;
  code: ReturnType<typeof codeSchema>;
  ip: typeof ipSchema;
  enum: ReturnType<typeof enumOf<EnumValues<K>>>;
  json: K extends JsonField ? (typeof JSON_SCHEMAS)[K]['input'] : never;
  count: typeof countSchema;
}[Fields[K]['kind']];

type OutputValue<K extends EventField> = {
  id: z.ZodString;
  uuid: z.ZodString;
  time: typeof isoDate;
  text: z.ZodString;
  code: z.ZodString;
  ip: z.ZodString;
  enum: ReturnType<typeof enumOf<EnumValues<K>>>;
  json: K extends JsonField ? (typeof JSON_SCHEMAS)[K]['output'] : never;
  count: z.ZodNumber;
}[Fields[K]['kind']];

function limit(field: EventField, declared: FieldDeclaration): number {
  if (declared.max === undefined) throw new Error(`${field}: a text field declares its max`);
  return declared.max;
}

function inputValue(field: EventField): z.ZodType {
  const declared = declarationOf(field);
  switch (declared.kind) {
    case 'id':
      return decimalIdOrNumberSchema;
    case 'uuid':
      return z.uuid();
    case 'time':
      return instantSchema;
    case 'text': {
      const max = limit(field, declared);
      return declared.emptyAllowed
        ? z.string().max(max, `must be at most ${max} characters`)
        : shortText(max);
    }
    case 'code':
      return codeSchema(limit(field, declared));
    case 'ip':
      return ipSchema;
    case 'enum':
      return enumSchemaOf(field);
    case 'json':
      return JSON_SCHEMAS[field as JsonField].input;
    case 'count':
      return countSchema;
  }
}

function outputValue(field: EventField): z.ZodType {
  const declared = declarationOf(field);
  switch (declared.kind) {
    case 'time':
      return isoDate;
    case 'enum':
      return enumSchemaOf(field);
    case 'json':
      return JSON_SCHEMAS[field as JsonField].output;
    case 'count':
      return z.number();
    default:
      return z.string();
  }
}

// ---------------------------------------------------------------- whole events

/** Whether a stored value may be NULL (from the Drizzle table, through its row type). */
type Nullable<K extends EventField> = null extends Event[K] ? true : false;

/** Fields a caller may send: all but those only the server sets. */
type AcceptedField = Exclude<EventField, FieldsWhere<'source', 'server'>>;

type InputShape = {
  [K in AcceptedField]: Fields[K]['source'] extends 'required'
    ? InputValue<K>
    : Nullable<K> extends true
      ? z.ZodOptional<z.ZodNullable<InputValue<K>>>
      : z.ZodOptional<InputValue<K>>;
};

type OutputShape = {
  [K in EventField]: Nullable<K> extends true ? z.ZodNullable<OutputValue<K>> : OutputValue<K>;
};

const COLUMNS = getTableColumns(events);

/** Whether a stored value may be NULL, at run time (the column's, as Nullable is the type's). */
function isNullable(field: EventField): boolean {
  return !COLUMNS[field].notNull;
}

export function eventInputShape(): InputShape {
  const shape: Record<string, z.ZodType> = {};
  for (const field of EVENT_FIELD_NAMES) {
    const declared = declarationOf(field);
    if (declared.source === 'server') continue;
    const value = inputValue(field);
    shape[field] =
      declared.source === 'required'
        ? value
        : isNullable(field)
          ? value.nullish()
          : value.optional();
  }
  return shape as InputShape;
}

export function eventOutputShape(): OutputShape {
  const shape: Record<string, z.ZodType> = {};
  for (const field of EVENT_FIELD_NAMES) {
    const value = outputValue(field);
    shape[field] = isNullable(field) ? value.nullable() : value;
  }
  return shape as OutputShape;
}
