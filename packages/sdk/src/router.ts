import type { AppRouter } from '@audit/api';
import type {
  AnyTRPCMutationProcedure,
  AnyTRPCQueryProcedure,
  AnyTRPCRouter,
  inferProcedureInput,
  inferRouterError,
  inferTransformedProcedureOutput,
  TRPCRouterRecord,
} from '@trpc/server';

import type { AbortSignalLike } from './platform';

/** Options of one call through `audit.trpc`. */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignalLike;
}

/** A query of `audit.trpc`: `audit.trpc.auditLogs.list.query({ filter })`. */
export interface QueryProcedure<Input, Output> {
  query(input: Input, options?: CallOptions): Promise<Output>;
}

/** A mutation of `audit.trpc`: `audit.trpc.jobs.report.mutate({ key, … })`. */
export interface MutationProcedure<Input, Output> {
  mutate(input: Input, options?: CallOptions): Promise<Output>;
}

/**
 * The server's router as its client calls it: every procedure with its input and its output
 * (as JSON carries it), the way tRPC's own client types it, in the SDK's own types.
 *
 * The published `.d.ts` spells this out, naming no server package (no `@audit/api`,
 * `@audit/db`, drizzle or zod) and no tRPC type: a conditional type resolved on instantiation
 * keeps no alias, so the declarations emitted for `_shapes` and `_client` below hold the
 * structures themselves. Where a part of an input or output is one of the shapes the SDK
 * names (an event, the filter, a job, …), it is written by that name instead of again.
 */
type ClientRecord<Router extends AnyTRPCRouter, Rec, Naming extends boolean> = Rec extends object
  ? { [K in keyof Rec]: ClientEntry<Router, Rec[K], Naming> }
  : never;
type ClientEntry<
  Router extends AnyTRPCRouter,
  Value,
  Naming extends boolean,
> = Value extends AnyTRPCQueryProcedure
  ? QueryProcedure<
      NamedIf<Naming, inferProcedureInput<Value>>,
      NamedIf<Naming, inferTransformedProcedureOutput<Router, Value>>
    >
  : Value extends AnyTRPCMutationProcedure
    ? MutationProcedure<
        NamedIf<Naming, inferProcedureInput<Value>>,
        NamedIf<Naming, inferTransformedProcedureOutput<Router, Value>>
      >
    : Value extends TRPCRouterRecord
      ? ClientRecord<Router, Value, Naming>
      : never;

type InputsOf<T> = {
  [K in keyof T]: T[K] extends QueryProcedure<infer I, unknown>
    ? I
    : T[K] extends MutationProcedure<infer I, unknown>
      ? I
      : InputsOf<T[K]>;
};
type OutputsOf<T> = {
  [K in keyof T]: T[K] extends QueryProcedure<never, infer O>
    ? O
    : T[K] extends MutationProcedure<never, infer O>
      ? O
      : OutputsOf<T[K]>;
};

/** The router's types as tRPC infers them, before any part is named. */
type RawClient = ClientRecord<AppRouter, AppRouter['_def']['record'], false>;
type RawInputs = InputsOf<RawClient>;
type RawOutputs = OutputsOf<RawClient>;

/** The shapes the SDK names, each the procedure's own type (types.test-d.ts checks them). */
interface RawShapes {
  event: RawOutputs['auditLogs']['list']['items'][number];
  eventDetail: RawOutputs['auditLogs']['byId'];
  eventJob: NonNullable<RawOutputs['auditLogs']['byId']['job']>;
  eventInput: RawInputs['auditLogs']['record']['events'][number];
  filter: NonNullable<RawInputs['auditLogs']['list']['filter']>;
  where: NonNullable<RawShapes['filter']['where']>;
  whereComparison: Extract<RawShapes['where'], { field: unknown }>;
  sort: NonNullable<RawInputs['auditLogs']['list']['sort']>;
  job: RawOutputs['jobs']['byId'];
  archive: RawOutputs['exports']['list']['items'][number];
  legalHold: RawOutputs['holds']['create'];
  errorData: inferRouterError<AppRouter>['data'];
}

/** Exactly the same type (not merely assignable either way). */
/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters -- the identity check compares two generic signatures */
type Same<A, B> =
  (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/* eslint-enable @typescript-eslint/no-unnecessary-type-parameters */

/** One part of a type (not a union): its public name if it has one, else its parts named. */
type NamedValue<V> =
  Same<V, RawShapes['whereComparison']> extends true
    ? WhereComparison
    : Same<V, RawShapes['event']> extends true
      ? AuditEvent
      : Same<V, RawShapes['eventDetail']> extends true
        ? AuditEventDetail
        : Same<V, RawShapes['eventInput']> extends true
          ? AuditEventInput
          : Same<V, RawShapes['filter']> extends true
            ? EventFilter
            : Same<V, RawShapes['sort']> extends true
              ? EventSort
              : Same<V, RawShapes['job']> extends true
                ? Job
                : Same<V, RawShapes['archive']> extends true
                  ? Archive
                  : Same<V, RawShapes['legalHold']> extends true
                    ? LegalHold
                    : NamedParts<V>;
/**
 * An object's (or array's) members, each named. The `where` tree is a recursive union: it is
 * named whole, before its members are taken one by one (which would never end).
 */
type NamedParts<T> = T extends object
  ? {
      [K in keyof T]: T[K] extends infer V
        ? Same<Exclude<V, undefined>, RawShapes['where']> extends true
          ? WhereCondition | Extract<V, undefined>
          : V extends unknown
            ? NamedValue<V>
            : never
        : never;
    }
  : T;
/** A type, its union members named one by one. */
type NamedIf<Naming extends boolean, T> = Naming extends false
  ? T
  : { value: T } extends { value: infer V }
    ? V extends unknown
      ? NamedValue<V>
      : never
    : never;

// Types only: nothing calls these at run time but two pure, tree-shaken lines. Each type is
// an instantiation (of a type parameter, or of a mapped key), never a type written here, so
// that the declaration emitted for the constant is the structure, not the name written.
function shapesOf<Shapes>(): { [K in keyof Shapes]: NamedParts<Shapes[K]> } {
  return undefined as never;
}
function clientOf<Router extends AnyTRPCRouter>(): ClientRecord<
  Router,
  Router['_def']['record'],
  true
> {
  return undefined as never;
}

// Spelled out: all but the event detail, which is the event and its job, and the where tree,
// written below as WhereCondition (its comparison is spelled out, as whereComparison).
const _shapes = /* @__PURE__ */ shapesOf<Omit<RawShapes, 'eventDetail' | 'where'>>();
const _client = /* @__PURE__ */ clientOf<AppRouter>();

// The public shapes below are interfaces, not aliases, so that editors and compiler errors
// name them (`AuditEvent`) instead of spelling out their structure.
/* eslint-disable @typescript-eslint/no-empty-object-type -- an interface that only extends names a type */

/** An interface can extend only a named type: this names the one it is given. */
type Shape<T> = T;

/** Every procedure of the server, typed (what `AuditClient.trpc` calls). */
export interface AuditTrpcClient extends Shape<typeof _client> {}

/** What an API error carries in `TRPCClientError.data`. */
export interface ApiErrorData extends Shape<(typeof _shapes)['errorData']> {}

/** An API error as the server sends it (`TRPCClientError.shape`). */
export interface ApiErrorShape {
  message: string;
  /** The JSON-RPC error code (`-32600` for BAD_REQUEST, …); `data.code` names it. */
  code: number;
  data: ApiErrorData;
}

/** Every procedure's input, by path: `RouterInputs['auditLogs']['list']`. */
export type RouterInputs = InputsOf<AuditTrpcClient>;
/** Every procedure's output, by path: `RouterOutputs['jobs']['byId']`. */
export type RouterOutputs = OutputsOf<AuditTrpcClient>;

/** One event as a service records it (`auditLogs.record`). */
export interface AuditEventInput extends Shape<(typeof _shapes)['eventInput']> {}
/** One stored event, as `auditLogs.list` returns it. */
export interface AuditEvent extends Shape<(typeof _shapes)['event']> {}
/** One stored event with its job, as `auditLogs.byId` returns it. */
export interface AuditEventDetail extends AuditEvent {
  /** The job the event belongs to (`jobId`), if any. */
  job: (typeof _shapes)['eventJob'] | null;
}
/** `success`, `failure`, `job_scheduled`, `recurring_job_scheduled`. */
export type EventStatus = AuditEvent['status'];
/** The one filter of list, histogram, facets, export and purge. */
export interface EventFilter extends Shape<(typeof _shapes)['filter']> {}
/** One comparison of a filter's `where` tree: `{ field: 'userName', op: 'ne', value: 'root' }`. */
export interface WhereComparison extends Shape<(typeof _shapes)['whereComparison']> {}
/**
 * A filter's `where` tree: a comparison, or `{ all: […] }` (AND), `{ any: […] }` (OR),
 * `{ not: … }` (types.test-d.ts checks it is the server's own).
 */
export type WhereCondition =
  WhereComparison | { all: WhereCondition[] } | { any: WhereCondition[] } | { not: WhereCondition };
/** A sort: `{ field: 'occurredAt', direction: 'desc' }`. */
export interface EventSort extends Shape<(typeof _shapes)['sort']> {}
/** One page of `auditLogs.list`. */
export interface EventPage extends Shape<RouterOutputs['auditLogs']['list']> {}
/** What `auditLogs.record` answers. */
export interface RecordResult extends Shape<RouterOutputs['auditLogs']['record']> {}

/** A job (export, purge, retention, or a service's own). */
export interface Job extends Shape<(typeof _shapes)['job']> {}
/** `scheduled`, `in_progress`, `success`, `failure`, `canceled`. */
export type JobState = Job['state'];
/** What a service sends to `jobs.report`. */
export interface JobReport extends Shape<RouterInputs['jobs']['report']> {}
/** What `jobs.report` answers. */
export interface JobReportResult extends Shape<RouterOutputs['jobs']['report']> {}

/** An archive (an export's, or what a purge archived), as `exports.list` returns it. */
export interface Archive extends Shape<(typeof _shapes)['archive']> {}
/** A legal hold (`holds.list`, `create`, `release`): what it keeps, and how many events now. */
export interface LegalHold extends Shape<(typeof _shapes)['legalHold']> {}
/** `csv`, `json` or `ndjson`. */
export type ExportFormat = NonNullable<RouterInputs['exports']['create']['format']>;
/** What `exports.create` takes besides the filter. */
export interface ExportSettings extends Shape<Omit<RouterInputs['exports']['create'], 'filter'>> {}
