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

/** Every procedure's input, by path: `RouterInputs['auditLogs']['list']`. */
export type RouterInputs = inferRouterInputs<ClientRouter>;
/** Every procedure's output, by path: `RouterOutputs['jobs']['byId']`. */
export type RouterOutputs = inferRouterOutputs<ClientRouter>;

/** One event as a service records it (`auditLogs.record`). */
export type AuditEventInput = RouterInputs['auditLogs']['record']['events'][number];
/** One stored event, as `auditLogs.list` returns it. */
export type AuditEvent = RouterOutputs['auditLogs']['list']['items'][number];
/** One stored event with its job, as `auditLogs.byId` returns it. */
export type AuditEventDetail = RouterOutputs['auditLogs']['byId'];
/** `success`, `failure`, `job_scheduled`, `recurring_job_scheduled`. */
export type EventStatus = AuditEvent['status'];
/** The one filter of list, histogram, facets, export and purge. */
export type EventFilter = NonNullable<RouterInputs['auditLogs']['list']['filter']>;
/** A sort: `{ field: 'occurredAt', direction: 'desc' }`. */
export type EventSort = NonNullable<RouterInputs['auditLogs']['list']['sort']>;
/** One page of `auditLogs.list`. */
export type EventPage = RouterOutputs['auditLogs']['list'];
/** What `auditLogs.record` answers. */
export type RecordResult = RouterOutputs['auditLogs']['record'];

/** A job (export, purge, retention, or a service's own). */
export type Job = RouterOutputs['jobs']['byId'];
/** `scheduled`, `in_progress`, `success`, `failure`, `canceled`. */
export type JobState = Job['state'];
/** What a service sends to `jobs.report`. */
export type JobReport = RouterInputs['jobs']['report'];
/** What `jobs.report` answers. */
export type JobReportResult = RouterOutputs['jobs']['report'];

/** An archive (an export's, or what a purge archived), as `exports.list` returns it. */
export type Archive = RouterOutputs['exports']['list']['items'][number];
/** `csv`, `json` or `ndjson`. */
export type ExportFormat = NonNullable<RouterInputs['exports']['create']['format']>;
/** What `exports.create` takes besides the filter. */
export type ExportSettings = Omit<RouterInputs['exports']['create'], 'filter'>;
