import type { AppRouter } from '@audit/api';
import type {
  inferRouterInputs,
  inferRouterOutputs,
  TRPCBuiltRouter,
  TRPCRouterRecord,
} from '@trpc/server';

/**
 * The server's router as a client sees it: the same procedures, inputs, outputs and error
 * shape, with the server's request context (database handles and all) replaced by `object`.
 *
 * A conditional type resolved on instantiation keeps no alias, so the declaration emitted
 * for `_publicRouter` below spells out every procedure in full: the published `.d.ts` names
 * no server package (no `@audit/api`, `@audit/db`, drizzle or zod), only `@trpc/server`.
 */
type PublicRouter<R> = R extends {
  _def: { _config: { $types: infer Root }; record: infer Rec };
}
  ? Root extends { meta: infer M; errorShape: infer E; transformer: infer T }
    ? // Re-mapping the record drops its alias, whose arguments name the server's routers.
      { [K in keyof Rec]: Rec[K] } extends infer PublicRecord extends TRPCRouterRecord
      ? TRPCBuiltRouter<{ ctx: object; meta: M; errorShape: E; transformer: T }, PublicRecord>
      : never
    : never
  : never;

/** Types only: nothing calls it at run time but this pure, tree-shaken line. */
function publicRouterOf<R>(): PublicRouter<R> {
  return undefined as never;
}

const _publicRouter = /* @__PURE__ */ publicRouterOf<AppRouter>();

/** The router type `createTRPCClient` is typed with (what `AuditClient.trpc` calls). */
export type ClientRouter = typeof _publicRouter;

// The public shapes below are interfaces, not aliases, so that editors and compiler errors
// name them (`AuditEvent`) instead of spelling out their structure; each is the procedure's
// inferred type, which types.test-d.ts checks.
/* eslint-disable @typescript-eslint/no-empty-object-type -- an interface that only extends names a type */

/** An interface can extend only a named type: this names the one it is given. */
type Shape<T> = T;

/** Every procedure's input, by path: `RouterInputs['auditLogs']['list']`. */
export type RouterInputs = inferRouterInputs<ClientRouter>;
/** Every procedure's output, by path: `RouterOutputs['jobs']['byId']`. */
export type RouterOutputs = inferRouterOutputs<ClientRouter>;

/** One event as a service records it (`auditLogs.record`). */
export interface AuditEventInput extends Shape<
  RouterInputs['auditLogs']['record']['events'][number]
> {}
/** One stored event, as `auditLogs.list` returns it. */
export interface AuditEvent extends Shape<RouterOutputs['auditLogs']['list']['items'][number]> {}
/** One stored event with its job, as `auditLogs.byId` returns it. */
export interface AuditEventDetail extends Shape<RouterOutputs['auditLogs']['byId']> {}
/** `success`, `failure`, `job_scheduled`, `recurring_job_scheduled`. */
export type EventStatus = AuditEvent['status'];
/** The one filter of list, histogram, facets, export and purge. */
export interface EventFilter extends Shape<
  NonNullable<RouterInputs['auditLogs']['list']['filter']>
> {}
/** A sort: `{ field: 'occurredAt', direction: 'desc' }`. */
export interface EventSort extends Shape<NonNullable<RouterInputs['auditLogs']['list']['sort']>> {}
/** One page of `auditLogs.list`. */
export interface EventPage extends Shape<RouterOutputs['auditLogs']['list']> {}
/** What `auditLogs.record` answers. */
export interface RecordResult extends Shape<RouterOutputs['auditLogs']['record']> {}

/** A job (export, purge, retention, or a service's own). */
export interface Job extends Shape<RouterOutputs['jobs']['byId']> {}
/** `scheduled`, `in_progress`, `success`, `failure`, `canceled`. */
export type JobState = Job['state'];
/** What a service sends to `jobs.report`. */
export interface JobReport extends Shape<RouterInputs['jobs']['report']> {}
/** What `jobs.report` answers. */
export interface JobReportResult extends Shape<RouterOutputs['jobs']['report']> {}

/** An archive (an export's, or what a purge archived), as `exports.list` returns it. */
export interface Archive extends Shape<RouterOutputs['exports']['list']['items'][number]> {}
/** `csv`, `json` or `ndjson`. */
export type ExportFormat = NonNullable<RouterInputs['exports']['create']['format']>;
/** What `exports.create` takes besides the filter. */
export interface ExportSettings extends Shape<Omit<RouterInputs['exports']['create'], 'filter'>> {}
