import {
  declarationOf,
  FILTER_FIELDS,
  FULL_TEXT_FIELD,
  type EnumValues,
  type EVENT_FIELDS,
  type FilterField,
  type FullTextField,
  type RangeField,
} from '@audit/db/fields';
import { z } from 'zod';

import {
  decimalIdSchema,
  enumSchemaOf,
  instantSchema,
  ipPatternSchema,
  oneOrMany,
  patternSchema,
  shortText,
  type enumOf,
} from '../schemas/values';

/**
 * The one filter over audit events, derived from the field declarations (@audit/db/fields):
 * list, histogram, facets, export and purge take it; the SPA keeps it in the URL; the SDK
 * exposes its input type. Every field narrows the result (AND); a list of values matches any
 * of them (OR). The declared `range` field is bounded by `from` and `to`; the `fulltext`
 * one takes words and phrases; `q` is the search box (search-query.ts).
 */

/** An exact value of a text field. */
const filterText = shortText(1000);

type Fields = typeof EVENT_FIELDS;
/** Fields filtered by a list of values. */
export type ValueFilterField = Exclude<FilterField, FullTextField | RangeField>;

/** The schema of one value of a field's filter, by its filter and value kinds. */
type FilterItem<K extends ValueFilterField> = Fields[K]['filter'] extends 'prefix'
  ? typeof patternSchema
  : Fields[K]['filter'] extends 'cidr'
    ? typeof ipPatternSchema
    : {
        id: typeof decimalIdSchema;
        uuid: z.ZodUUID;
        enum: ReturnType<typeof enumOf<EnumValues<K>>>;
        text: typeof filterText;
        code: typeof filterText;
        time: never;
        ip: never;
        json: never;
      }[Fields[K]['kind']];

export function filterItemSchema(field: ValueFilterField): z.ZodType<string> {
  const declared = declarationOf(field);
  if (declared.filter === 'prefix') return patternSchema;
  if (declared.filter === 'cidr') return ipPatternSchema;
  switch (declared.kind) {
    case 'id':
      return decimalIdSchema;
    case 'uuid':
      return z.uuid();
    case 'enum':
      return enumSchemaOf(field);
    case 'text':
    case 'code':
      return filterText;
    default:
      throw new Error(`${field}: a ${declared.kind} field cannot filter by values`);
  }
}

export const VALUE_FILTER_FIELDS = FILTER_FIELDS.filter(
  (field): field is ValueFilterField =>
    declarationOf(field).filter !== 'fulltext' && declarationOf(field).filter !== 'range',
);

type FilterShape = {
  [K in ValueFilterField]: z.ZodOptional<
    ReturnType<typeof oneOrMany<Extract<FilterItem<K>, z.ZodType>>>
  >;
} & {
  [K in FullTextField]: z.ZodOptional<z.ZodString>;
};

function filterShape(): FilterShape {
  const shape: Record<string, z.ZodType> = {};
  for (const field of VALUE_FILTER_FIELDS)
    shape[field] = oneOrMany(filterItemSchema(field)).optional();
  /** Full text: words (all must appear), "quoted phrases", -excluded. */
  shape[FULL_TEXT_FIELD] = z.string().min(1, 'must not be empty').max(1000).optional();
  return shape as FilterShape;
}

export const eventFilterSchema = z
  .object({
    /** The search box: `user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"`. */
    q: z.string().max(2000).optional(),
    ...filterShape(),
    /** Inclusive start of the time range. */
    from: instantSchema.optional(),
    /** Inclusive end of the time range. */
    to: instantSchema.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

/** What callers send (strings, epoch ms, single values). */
export type EventFilterInput = z.input<typeof eventFilterSchema>;
/** What the server works with (arrays, Dates). */
export type EventFilter = z.output<typeof eventFilterSchema>;
