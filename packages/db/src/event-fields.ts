/**
 * Every event field, declared once. The Drizzle table (schema/events.ts) says how a field is
 * stored and whether it may be NULL; this says everything else: its kind, limits, who sets
 * it, how it filters, sorts and counts, its search-box key, and how the SPA shows it. The
 * API's input and output schemas, the filter and its SQL, the search box, sorting, facets,
 * export columns, the SPA's columns, filters and detail drawer, and the SDK's types are all
 * derived from it (CONTRIBUTING.md, "Add an event field").
 *
 * Free of database code, so the browser imports it too. Key order is the export order.
 */
import { EVENT_STATUSES } from './values';

/**
 * What a task did to its object (the seeds' Created / Updated / Deleted / Login Success, the
 * CRUD of other audit APIs): given by the caller, or derived from the task name
 * (event-derivations.ts). Its own value list, beside the field it belongs to.
 */
export const EVENT_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'login',
  'logout',
  'execute',
  'other',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** A field's value: its wire form, its schemas, its filter items, its sort cast, its cell. */
export type ValueKind =
  /** A bigint id, sent as a decimal string. */
  | 'id'
  | 'uuid'
  /** An instant: ISO 8601 or epoch ms in, ISO 8601 UTC out. */
  | 'time'
  | 'text'
  /** Text, or a JSON number taken as its decimal text (`"result": 200`). */
  | 'code'
  /** An IPv4 or IPv6 address. */
  | 'ip'
  /** One of `values`. */
  | 'enum'
  /** A JSON document with a shape of its own (the API holds its schema). */
  | 'json'
  /** A whole number from 0 to 2^53 − 1 (Number.MAX_SAFE_INTEGER): a JSON number, exact. */
  | 'count';

export interface FieldDeclaration {
  /** What a person reads: the table header, the filter's label, the detail drawer's caption. */
  readonly label: string;
  readonly kind: ValueKind;
  /** The allowed values (kind `enum`). */
  readonly values?: readonly [string, ...string[]];
  /** Most characters a caller may send (kinds `text` and `code`). */
  readonly max?: number;
  /** A caller may send an empty string (else empty is refused as a mistake). */
  readonly emptyAllowed?: true;
  /**
   * Who sets it: the caller must (`required`) or may (`optional`; absent is the column's
   * default or NULL), or only the server (`server`: a caller sending it is refused).
   */
  readonly source: 'required' | 'optional' | 'server';
  /** Computed at ingest when the caller gives none (its rule: src/event-derivations.ts). */
  readonly derived?: true;
  /**
   * Says how the event was delivered (which producer sent it, and its place in that
   * producer's sequence), not what happened: stored and exported like any field, but not
   * compared to tell a retry from a conflicting reuse of an eventId (the same event sent
   * again under another sequence number is still a duplicate).
   */
  readonly delivery?: true;
  /**
   * How the filter narrows by it: `exact` values, `prefix` (exact, or a prefix ending in
   * `*`), `cidr` (an address or a block), `fulltext` (words and phrases), `range` (the
   * filter's `from` and `to`). Absent: not filterable.
   */
  readonly filter?: 'exact' | 'prefix' | 'cidr' | 'fulltext' | 'range';
  /** A list can be sorted by it (its keyset index: schema/events.ts). */
  readonly sortable: boolean;
  /**
   * Facets give its most frequent values: `counted` fields are counted per value in
   * event_counts (and a filter on one answers from counts); `key` fields are part of every
   * count's key (tenant, status).
   */
  readonly facet?: 'counted' | 'key';
  /** Its search-box key (`user:alice`), other names for it, and the help line. */
  readonly search?: {
    readonly key: string;
    readonly aliases: readonly string[];
    readonly help: string;
    /** Other words for values (`ok` for `success`). */
    readonly valueAliases?: Readonly<Record<string, string>>;
  };
  /** The SPA's table: a column shown by default, or one a person can add. */
  readonly column?: 'default' | 'optional';
  /** A control of its own in the SPA's filter bar, with this placeholder. */
  readonly filterControl?: { readonly placeholder: string };
  /** A panel of top values on the logs page. */
  readonly facetPanel?: string;
}

export const EVENT_FIELDS = {
  id: { label: 'Id', kind: 'id', source: 'server', sortable: true },
  eventId: {
    label: 'Event id',
    kind: 'uuid',
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'uid', aliases: ['eventid'], help: 'Event id (a UUID)' },
  },
  tenant: {
    label: 'Tenant',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    facet: 'key',
    search: { key: 'tenant', aliases: ['org', 'organization'], help: 'Tenant' },
    column: 'optional',
    filterControl: { placeholder: 'default' },
  },
  occurredAt: {
    label: 'Time',
    kind: 'time',
    source: 'optional',
    filter: 'range',
    sortable: true,
    column: 'default',
  },
  recordedAt: { label: 'Recorded', kind: 'time', source: 'server', sortable: true },
  userName: {
    label: 'User',
    kind: 'text',
    max: 200,
    source: 'required',
    filter: 'exact',
    sortable: true,
    facet: 'counted',
    search: { key: 'user', aliases: ['username'], help: 'User who acted' },
    column: 'default',
    filterControl: { placeholder: 'alice' },
    facetPanel: 'Top users',
  },
  userIp: {
    label: 'User IP',
    kind: 'ip',
    source: 'optional',
    filter: 'cidr',
    sortable: true,
    search: { key: 'ip', aliases: ['userip'], help: 'Client address or CIDR block (10.0.0.0/8)' },
    column: 'default',
  },
  userAgent: {
    label: 'User agent',
    kind: 'text',
    max: 1000,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'useragent', aliases: ['ua'], help: 'Client user agent, in full' },
    column: 'optional',
  },
  agent: {
    label: 'Agent',
    kind: 'text',
    max: 100,
    source: 'server',
    derived: true,
    filter: 'exact',
    sortable: true,
    facet: 'counted',
    search: {
      key: 'agent',
      aliases: ['client'],
      help: 'Where the action came from: Chrome, Firefox, Safari, Mozilla, curl, Python, Java, …',
    },
    column: 'optional',
    filterControl: { placeholder: 'Chrome' },
    facetPanel: 'Top agents',
  },
  domain: {
    label: 'Domain',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'domain', aliases: [], help: 'Domain' },
    column: 'optional',
  },
  application: {
    label: 'Application',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    facet: 'counted',
    search: { key: 'app', aliases: ['application'], help: 'Application' },
    column: 'default',
    filterControl: { placeholder: 'Network Management Platform' },
  },
  workspace: {
    label: 'Workspace',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'workspace', aliases: [], help: 'Workspace' },
    column: 'optional',
  },
  systemId: {
    label: 'System',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'system', aliases: ['systemid'], help: 'System id' },
    column: 'optional',
  },
  taskName: {
    label: 'Task',
    kind: 'text',
    max: 1000,
    source: 'required',
    filter: 'prefix',
    sortable: true,
    facet: 'counted',
    search: {
      key: 'task',
      aliases: ['activity', 'taskname'],
      help: 'Task, exact or a prefix ending in * (tenant.*)',
    },
    column: 'default',
    filterControl: { placeholder: 'tenant.* or exact' },
    facetPanel: 'Top tasks',
  },
  action: {
    label: 'Action',
    kind: 'enum',
    values: EVENT_ACTIONS,
    source: 'optional',
    derived: true,
    filter: 'exact',
    sortable: true,
    facet: 'counted',
    search: {
      key: 'action',
      aliases: ['verb', 'crud'],
      help: `What the task did: ${EVENT_ACTIONS.join(', ')}`,
    },
    column: 'default',
    filterControl: { placeholder: 'Any' },
    facetPanel: 'Actions',
  },
  objectType: {
    label: 'Object type',
    kind: 'text',
    max: 200,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    facet: 'counted',
    search: {
      key: 'type',
      aliases: ['objecttype', 'entity', 'entitytype'],
      help: 'Type of the object acted on',
    },
    column: 'default',
    filterControl: { placeholder: 'Device' },
    facetPanel: 'Top object types',
  },
  objectName: {
    label: 'Object name',
    kind: 'text',
    max: 1000,
    source: 'optional',
    filter: 'prefix',
    sortable: true,
    search: {
      key: 'object',
      aliases: ['objectname', 'entityname'],
      help: 'Object acted on, exact or a prefix ending in *',
    },
    column: 'default',
  },
  status: {
    label: 'Status',
    kind: 'enum',
    values: EVENT_STATUSES,
    source: 'required',
    filter: 'exact',
    sortable: true,
    facet: 'key',
    search: {
      key: 'status',
      aliases: ['result'],
      help: 'success (ok), failure (failed), job_scheduled (scheduled), recurring_job_scheduled (recurring)',
      valueAliases: {
        ok: 'success',
        succeeded: 'success',
        fail: 'failure',
        failed: 'failure',
        scheduled: 'job_scheduled',
        recurring: 'recurring_job_scheduled',
      },
    },
    column: 'default',
    filterControl: { placeholder: 'Any' },
    facetPanel: 'Statuses',
  },
  resultCode: {
    label: 'Result code',
    kind: 'code',
    max: 100,
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'code', aliases: ['resultcode'], help: 'Result code' },
    column: 'optional',
  },
  description: {
    label: 'Description',
    kind: 'text',
    max: 10_000,
    emptyAllowed: true,
    source: 'optional',
    filter: 'fulltext',
    sortable: true,
    column: 'default',
  },
  jobId: {
    label: 'Job',
    kind: 'id',
    source: 'optional',
    filter: 'exact',
    sortable: true,
    search: { key: 'job', aliases: ['jobid'], help: 'Job id (a number)' },
    column: 'default',
  },
  affectedObjects: { label: 'Affected objects', kind: 'json', source: 'optional', sortable: false },
  changes: { label: 'Configuration change', kind: 'json', source: 'optional', sortable: false },
  metadata: { label: 'Metadata', kind: 'json', source: 'optional', sortable: false },
  /**
   * Lost-event detection (docs/architecture.md, "Lost events"): the SDK's recorder stamps each
   * event with who sent it and its number in that sender's sequence (1, 2, 3, … in record()
   * order); the server keeps each producer's high-water mark and reports sequence gaps
   * (`integrity.gaps`).
   */
  producerId: {
    label: 'Producer',
    kind: 'text',
    max: 200,
    source: 'optional',
    delivery: true,
    filter: 'exact',
    sortable: true,
    search: {
      key: 'producer',
      aliases: ['producerid'],
      help: 'Producer id: the recorder that sent the event',
    },
    column: 'optional',
  },
  producerSeq: {
    label: 'Producer sequence',
    kind: 'count',
    source: 'optional',
    delivery: true,
    filter: 'exact',
    sortable: false,
    search: {
      key: 'seq',
      aliases: ['producerseq'],
      help: "Sequence number in its producer's sequence (a whole number)",
    },
  },
} as const satisfies Record<string, FieldDeclaration>;

export type EventField = keyof typeof EVENT_FIELDS;
type Fields = typeof EVENT_FIELDS;

/** An enum field's value list, as a tuple type (never for other fields). */
export type EnumValues<K extends EventField> = Fields[K] extends {
  values: infer V extends readonly [string, ...string[]];
}
  ? V
  : never;

/** A field's declaration, as the general type (for code that reads any property of any field). */
export function declarationOf(field: EventField): FieldDeclaration {
  return EVENT_FIELDS[field];
}

/** Whether `name` is an event field. */
export function isEventField(name: string): name is EventField {
  return Object.hasOwn(EVENT_FIELDS, name);
}

/** Every field, in declaration (export) order. */
export const EVENT_FIELD_NAMES = Object.keys(EVENT_FIELDS) as EventField[];

/** The fields whose declaration has `P` set to a value assignable to `V`. */
export type FieldsWhere<P extends keyof FieldDeclaration, V> = {
  [K in EventField]: Fields[K] extends { readonly [Q in P]: infer X }
    ? X extends V
      ? K
      : never
    : never;
}[EventField];

export type FilterField = FieldsWhere<'filter', string>;
export type SortableField = FieldsWhere<'sortable', true>;
export type CountedField = FieldsWhere<'facet', 'counted'>;
export type FacetField = FieldsWhere<'facet', string>;
export type DerivedField = FieldsWhere<'derived', true>;
export type JsonField = FieldsWhere<'kind', 'json'>;
export type TimeField = FieldsWhere<'kind', 'time'>;
/** The field full text searches (the search box's free words go to it). */
export type FullTextField = FieldsWhere<'filter', 'fulltext'>;
/** The field the filter's `from` and `to` bound. */
export type RangeField = FieldsWhere<'filter', 'range'>;

/** The names of the fields whose declaration passes `test`, in declaration order. */
export function fieldsWhere<F extends EventField>(
  test: (declaration: FieldDeclaration, field: EventField) => boolean,
): F[] {
  return EVENT_FIELD_NAMES.filter((field) => test(declarationOf(field), field)) as F[];
}

export const FILTER_FIELDS = fieldsWhere<FilterField>((d) => d.filter !== undefined);
export const SORTABLE_FIELDS = fieldsWhere<SortableField>((d) => d.sortable);
export const COUNTED_FIELD_NAMES = fieldsWhere<CountedField>((d) => d.facet === 'counted');
export const FACET_FIELDS = fieldsWhere<FacetField>((d) => d.facet !== undefined);
export const JSON_FIELDS = fieldsWhere<JsonField>((d) => d.kind === 'json');

function onlyOne<F extends EventField>(fields: F[], what: string): F {
  const [field, extra] = fields;
  if (field === undefined || extra !== undefined) {
    throw new Error(`exactly one event field must be the ${what}`);
  }
  return field;
}

export const FULL_TEXT_FIELD = onlyOne(
  fieldsWhere<FullTextField>((d) => d.filter === 'fulltext'),
  'full-text one',
);
export const RANGE_FIELD = onlyOne(
  fieldsWhere<RangeField>((d) => d.filter === 'range'),
  'time range one',
);
