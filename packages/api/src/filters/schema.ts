import {
  declarationOf,
  FILTER_FIELDS,
  FULL_TEXT_FIELD,
  type EnumValues,
  fieldsWhere,
  type EVENT_FIELDS,
  type FilterField,
  type FullTextField,
  type JsonField,
  type RangeField,
  type SortableField,
  type ValueKind,
} from '@audit/db/fields';
import { z } from 'zod';

import {
  decimalCountSchema,
  decimalIdSchema,
  enumSchemaOf,
  instantSchema,
  ipPatternSchema,
  ipSchema,
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
        count: typeof decimalCountSchema;
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
    case 'count':
      return decimalCountSchema;
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

// ---------------------------------------------------------------- the condition tree

/**
 * `where`: a condition tree, for what the per-field lists cannot say (OR across fields,
 * `ne`, ordering comparisons, contains and starts-with), as the reference products' filters
 * need (Junos Space's `filter=`). A comparison `{field, op, value}`, or `{all: […]}` (AND),
 * `{any: […]}` (OR), `{not: …}`. A comparison never yields NULL: `ne` matches NULLs, every
 * other op does not, and `value: null` with `eq`/`ne` is IS NULL / IS NOT NULL.
 */

/** Fields a condition can compare: every filterable or sortable field but the JSON ones. */
export type WhereField = Exclude<FilterField | SortableField, JsonField>;
export const WHERE_FIELDS = fieldsWhere<WhereField>(
  (d) => (d.filter !== undefined || d.sortable) && d.kind !== 'json',
) as [WhereField, ...WhereField[]];

export const WHERE_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'startsWith'] as const;
export type WhereOp = (typeof WHERE_OPS)[number];

/** The deepest a tree may nest, and the most comparisons it may hold. */
export const MAX_WHERE_DEPTH = 8;
export const MAX_WHERE_COMPARISONS = 100;

/** The ops each kind of field takes (an enum is not ordered; text-matching ops are for text). */
const OPS_OF_KIND: Record<Exclude<ValueKind, 'json'>, readonly WhereOp[]> = {
  id: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  uuid: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  time: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  enum: ['eq', 'ne'],
  text: WHERE_OPS,
  code: WHERE_OPS,
  ip: WHERE_OPS,
  count: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

/** The ops `field` takes. */
export function opsOf(field: WhereField): readonly WhereOp[] {
  const { kind } = declarationOf(field);
  if (kind === 'json') throw new Error(`${field}: a JSON field cannot be compared`);
  return OPS_OF_KIND[kind];
}

/** The schema of a comparison's value with `op` on `field` (contains/startsWith take any text). */
export function whereValueSchema(field: WhereField, op: WhereOp): z.ZodType {
  const declared = declarationOf(field);
  const text = z
    .string()
    .max(declared.max ?? 1000, `must be at most ${declared.max ?? 1000} characters`);
  if (op === 'contains' || op === 'startsWith') return text.min(1, 'must not be empty');
  switch (declared.kind) {
    case 'id':
      return decimalIdSchema;
    case 'uuid':
      return z.uuid();
    case 'time':
      return instantSchema;
    case 'ip':
      return ipSchema;
    case 'enum':
      return enumSchemaOf(field);
    case 'text':
    case 'code':
      return text;
    case 'count':
      return decimalCountSchema;
    case 'json':
      throw new Error(`${field}: a JSON field cannot be compared`);
  }
}

const comparisonSchema = z
  .object({
    field: z.enum(WHERE_FIELDS),
    op: z.enum(WHERE_OPS),
    value: z.string().max(10_000).nullable(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!opsOf(c.field).includes(c.op)) {
      ctx.addIssue({
        code: 'custom',
        path: ['op'],
        message: `${c.field} takes ${opsOf(c.field).join(', ')}`,
      });
    } else if (c.value === null) {
      if (c.op !== 'eq' && c.op !== 'ne') {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'null goes with eq or ne only' });
      }
    } else {
      const checked = whereValueSchema(c.field, c.op).safeParse(c.value);
      for (const issue of checked.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: issue.message });
      }
    }
  });

/**
 * One comparison: `value` is text in the field's own form (an instant as ISO 8601 or epoch
 * ms); null is IS NULL / IS NOT NULL. Inferred (not written with WhereField) so that the
 * SDK's declarations spell the field names out instead of naming this module's alias.
 */
export type WhereComparison = z.infer<typeof comparisonSchema>;
export type WhereCondition =
  WhereComparison | { all: WhereCondition[] } | { any: WhereCondition[] } | { not: WhereCondition };

const conditionList = () =>
  z.array(whereConditionSchema).min(1, 'give at least one condition').max(MAX_WHERE_COMPARISONS);

export const whereConditionSchema: z.ZodType<WhereCondition, WhereCondition> = z
  .union([
    comparisonSchema,
    z
      .object({
        get all() {
          return conditionList();
        },
      })
      .strict(),
    z
      .object({
        get any() {
          return conditionList();
        },
      })
      .strict(),
    z
      .object({
        get not() {
          return whereConditionSchema;
        },
      })
      .strict(),
  ])
  // Named: a recursive schema is one definition in JSON Schema (and in /openapi.json).
  .meta({ id: 'WhereCondition' });

/** How deep a tree nests and how many comparisons it holds. */
export function whereSize(condition: WhereCondition): { depth: number; comparisons: number } {
  if ('field' in condition) return { depth: 1, comparisons: 1 };
  const children =
    'not' in condition ? [condition.not] : 'all' in condition ? condition.all : condition.any;
  const sizes = children.map(whereSize);
  return {
    depth: 1 + Math.max(0, ...sizes.map((s) => s.depth)),
    comparisons: sizes.reduce((sum, s) => sum + s.comparisons, 0),
  };
}

/** The tree, bounded: a deeper or larger one is a 400 before any SQL is built. */
export const whereSchema = whereConditionSchema.superRefine((condition, ctx) => {
  const { depth, comparisons } = whereSize(condition);
  if (depth > MAX_WHERE_DEPTH) {
    ctx.addIssue({
      code: 'custom',
      message: `must nest at most ${MAX_WHERE_DEPTH} deep (it nests ${depth})`,
    });
  }
  if (comparisons > MAX_WHERE_COMPARISONS) {
    ctx.addIssue({
      code: 'custom',
      message: `must hold at most ${MAX_WHERE_COMPARISONS} comparisons (it holds ${comparisons})`,
    });
  }
});

export const eventFilterSchema = z
  .object({
    /** The search box: `user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"`. */
    q: z.string().max(2000).optional(),
    ...filterShape(),
    /** Inclusive start of the time range. */
    from: instantSchema.optional(),
    /** Inclusive end of the time range. */
    to: instantSchema.optional(),
    /** A condition tree: `{field, op, value}`, `{all: […]}`, `{any: […]}`, `{not: …}`. */
    where: whereSchema.optional(),
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
