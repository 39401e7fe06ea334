// Type-level tests: checked by tsc when `pnpm test` runs (vitest typecheck), never executed.
import type { AppRouter } from '@audit/api';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';

import {
  createAuditClient,
  TRPCClientError,
  type AbortSignalLike,
  type ApiErrorData,
  type AuditClient,
  type AuditClientOptions,
  type AuditEvent,
  type AuditEventInput,
  type AuditTrpcClient,
  type DownloadDestination,
  type EventFilter,
  type EventStatus,
  type ExportResult,
  type Job,
  type JobState,
  type LegalHold,
  type RecordedRef,
  type Recorder,
  type RouterInputs,
  type RouterOutputs,
  type WhereCondition,
} from './index';

const client = createAuditClient({ url: 'http://127.0.0.1:3000', token: 'alm_x' });
type Trpc = AuditClient['trpc'];

describe('the client router', () => {
  it('has every procedure of the server, with the same inputs and outputs', () => {
    expectTypeOf<RouterInputs>().toEqualTypeOf<inferRouterInputs<AppRouter>>();
    expectTypeOf<RouterOutputs>().toEqualTypeOf<inferRouterOutputs<AppRouter>>();
  });

  it("is tRPC's own client, typed in the SDK's own types", () => {
    expectTypeOf<keyof AuditTrpcClient>().toEqualTypeOf<keyof AppRouter['_def']['record']>();
    expectTypeOf<TRPCClient<AppRouter>>().toExtend<AuditTrpcClient>();
    expectTypeOf<Trpc>().toEqualTypeOf<AuditTrpcClient>();
  });

  it("types TRPCClientError with the API's error data", () => {
    expectTypeOf<ApiErrorData>().toEqualTypeOf<inferRouterError<AppRouter>['data']>();
    expectTypeOf<TRPCClientError['data']>().toEqualTypeOf<ApiErrorData | null | undefined>();
    expectTypeOf<ApiErrorData['code']>().toExtend<string>();
    expectTypeOf<'BAD_REQUEST'>().toExtend<ApiErrorData['code']>();
    expectTypeOf<'NO_SUCH_CODE'>().not.toExtend<ApiErrorData['code']>();
    const error: unknown = new Error('x');
    if (error instanceof TRPCClientError) {
      expectTypeOf(error.data?.fieldErrors).toEqualTypeOf<
        { path: string; message: string }[] | undefined
      >();
    }
  });
});

describe('the platform types the options name', () => {
  it('take the real fetch, AbortSignal and WritableStream', () => {
    expectTypeOf<typeof fetch>().toExtend<NonNullable<AuditClientOptions['fetch']>>();
    expectTypeOf<AbortSignal>().toExtend<AbortSignalLike>();
    expectTypeOf<WritableStream<Uint8Array>>().toExtend<DownloadDestination>();
    expectTypeOf<WritableStream<string>>().not.toExtend<DownloadDestination>();
    // A wrapper around the global fetch passes what the SDK gives it straight on.
    createAuditClient({
      url: 'http://127.0.0.1:3000',
      token: 'alm_x',
      fetch: (input, init) => fetch(input, init),
    });
  });
});

describe('auditLogs.list', () => {
  it('takes the one filter, a sort, a limit and a cursor', () => {
    type Input = Parameters<Trpc['auditLogs']['list']['query']>[0];
    expectTypeOf<Input>().toEqualTypeOf<RouterInputs['auditLogs']['list']>();
    expectTypeOf<NonNullable<Input['filter']>>().toEqualTypeOf<EventFilter>();
    expectTypeOf<EventFilter['status']>().toEqualTypeOf<EventStatus | EventStatus[] | undefined>();
    expectTypeOf<EventFilter['from']>().toEqualTypeOf<string | number | undefined>();
    type RawWhere = NonNullable<
      NonNullable<inferRouterInputs<AppRouter>['auditLogs']['list']['filter']>['where']
    >;
    expectTypeOf<NonNullable<EventFilter['where']>>().toEqualTypeOf<WhereCondition>();
    expectTypeOf<WhereCondition>().toEqualTypeOf<RawWhere>();
    expectTypeOf<EventFilter['userIp']>().toEqualTypeOf<string | string[] | undefined>();
    expectTypeOf<EventFilter['agent']>().toEqualTypeOf<string | string[] | undefined>();
    expectTypeOf<NonNullable<EventFilter['action']>>().toEqualTypeOf<
      NonNullable<AuditEvent['action']> | NonNullable<AuditEvent['action']>[]
    >();
    expectTypeOf<EventStatus>().toEqualTypeOf<
      'success' | 'failure' | 'job_scheduled' | 'recurring_job_scheduled'
    >();
    expectTypeOf<Input['limit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Input['cursor']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Input['sort']>['direction']>().toEqualTypeOf<
      'asc' | 'desc' | undefined
    >();
    expectTypeOf<{ filter: { userNmae: string } }>().not.toExtend<Input>();
    expectTypeOf<{ filter: { status: 'succeeded' } }>().not.toExtend<Input>();
    expectTypeOf<{ sort: { field: 'metadata' } }>().not.toExtend<Input>();
  });

  it('returns a page of events with plain-JSON fields', () => {
    type Page = Awaited<ReturnType<Trpc['auditLogs']['list']['query']>>;
    expectTypeOf<Page>().toEqualTypeOf<{
      items: AuditEvent[];
      nextCursor: string | null;
      prevCursor: string | null;
      total: number | null;
      totalIsEstimate: boolean;
    }>();
    expectTypeOf<AuditEvent['id']>().toEqualTypeOf<string>();
    expectTypeOf<AuditEvent['occurredAt']>().toEqualTypeOf<string>();
    expectTypeOf<AuditEvent['userIp']>().toEqualTypeOf<string | null>();
    expectTypeOf<AuditEvent['status']>().toEqualTypeOf<EventStatus>();
    expectTypeOf<AuditEvent['action']>().toEqualTypeOf<
      'create' | 'read' | 'update' | 'delete' | 'login' | 'logout' | 'execute' | 'other' | null
    >();
    expectTypeOf<AuditEvent['agent']>().toEqualTypeOf<string | null>();
    expectTypeOf<AuditEvent['metadata']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<AuditEvent['affectedObjects']>().toEqualTypeOf<
      { type: string; name: string; id?: string | undefined; detail?: string | undefined }[]
    >();
    expectTypeOf(client.list).returns.resolves.toEqualTypeOf<Page>();
  });

  it('iterate yields the same events', () => {
    expectTypeOf(client.iterate).parameter(0).toEqualTypeOf<EventFilter | undefined>();
    expectTypeOf(client.iterate).returns.toEqualTypeOf<AsyncGenerator<AuditEvent, void>>();
  });
});

describe('auditLogs.byId', () => {
  it('takes an id (and optionally occurredAt), returns the event with its job', () => {
    type Input = Parameters<Trpc['auditLogs']['byId']['query']>[0];
    expectTypeOf<Input>().toEqualTypeOf<{ id: string; occurredAt?: string | number | undefined }>();
    type Output = Awaited<ReturnType<Trpc['auditLogs']['byId']['query']>>;
    expectTypeOf<Output>().toExtend<AuditEvent>();
    expectTypeOf<Output['job']>().toEqualTypeOf<{
      id: string;
      name: string;
      type: string;
      state: JobState;
      percent: number;
      summary: string | null;
      scheduledAt: string;
      startedAt: string | null;
      endedAt: string | null;
    } | null>();
    expectTypeOf(client.byId).returns.resolves.toEqualTypeOf<Output>();
    expectTypeOf<{ id: number }>().not.toExtend<Input>();
  });
});

describe('auditLogs.record', () => {
  it('takes up to 1000 events with who, what and the result required', () => {
    type Input = Parameters<Trpc['auditLogs']['record']['mutate']>[0];
    expectTypeOf<Input>().toEqualTypeOf<{ events: AuditEventInput[] }>();
    expectTypeOf<{
      userName: string;
      taskName: string;
      status: 'failure';
    }>().toExtend<AuditEventInput>();
    expectTypeOf<{ userName: string; status: 'success' }>().not.toExtend<AuditEventInput>();
    expectTypeOf<{
      userName: string;
      taskName: string;
      status: 'ok';
    }>().not.toExtend<AuditEventInput>();
    expectTypeOf<AuditEventInput['occurredAt']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<AuditEventInput['eventId']>().toEqualTypeOf<string | undefined>();
    // action may be given (else the server derives it); agent only the server sets.
    expectTypeOf<AuditEventInput['action']>().toEqualTypeOf<
      NonNullable<AuditEvent['action']> | null | undefined
    >();
    expectTypeOf<'agent'>().not.toExtend<keyof AuditEventInput>();
    expectTypeOf<AuditEventInput['changes']>().toEqualTypeOf<
      { format: 'text' | 'json'; before?: unknown; after?: unknown } | null | undefined
    >();
  });

  it('answers how many were new, how many were retries, and how many reused an eventId', () => {
    type Output = Awaited<ReturnType<Trpc['auditLogs']['record']['mutate']>>;
    expectTypeOf<Output>().toEqualTypeOf<{
      stored: number;
      duplicates: number;
      conflicts: number;
      events: {
        id: string;
        eventId: string;
        occurredAt: string;
        outcome: 'created' | 'duplicate' | 'conflict';
        created: boolean;
      }[];
    }>();
  });

  it('the recorder takes the same events, and a Date for occurredAt', () => {
    expectTypeOf<Recorder['record']>()
      .parameter(0)
      .toExtend<{ userName: string; taskName: string; status: EventStatus }>();
    expectTypeOf<{
      userName: 'a';
      taskName: 'b';
      status: 'success';
      occurredAt: Date;
    }>().toExtend<Parameters<Recorder['record']>[0]>();
    expectTypeOf<Recorder['record']>().returns.toEqualTypeOf<RecordedRef>();
    expectTypeOf<Recorder['flush']>().returns.resolves.toHaveProperty('stored').toBeNumber();
    expectTypeOf(client.recorder).returns.toEqualTypeOf<Recorder>();
  });
});

describe('exports', () => {
  it('create takes the filter, a format and a zone, and returns the job', () => {
    type Input = Parameters<Trpc['exports']['create']['mutate']>[0];
    expectTypeOf<Input>().toEqualTypeOf<{
      filter?: EventFilter | undefined;
      format?: 'csv' | 'json' | 'ndjson' | undefined;
      timeZone?: string | undefined;
    }>();
    expectTypeOf<{ format: 'xlsx' }>().not.toExtend<Input>();
    type Output = Awaited<ReturnType<Trpc['exports']['create']['mutate']>>;
    expectTypeOf<Output>().toEqualTypeOf<Job>();
    expectTypeOf<Job['state']>().toEqualTypeOf<
      'scheduled' | 'in_progress' | 'success' | 'failure' | 'canceled'
    >();
  });

  it('exportTo resolves to the job, the archive and the bytes written', () => {
    type Input = Parameters<Trpc['exports']['create']['mutate']>[0];
    expectTypeOf(client.exportTo).parameter(0).toEqualTypeOf<EventFilter | undefined>();
    expectTypeOf(client.exportTo).parameter(1).toEqualTypeOf<Omit<Input, 'filter'>>();
    expectTypeOf(client.exportTo).returns.resolves.toEqualTypeOf<ExportResult>();
    expectTypeOf<ExportResult['archive']['sha256']>().toBeString();
  });

  it('list gives archives with their download URL', () => {
    type Output = Awaited<ReturnType<Trpc['exports']['list']['query']>>;
    expectTypeOf<Output['items'][number]['downloadUrl']>().toEqualTypeOf<string>();
  });
});

describe('holds', () => {
  it('take the one filter and answer a LegalHold, the one shape of all three', () => {
    type Input = Parameters<Trpc['holds']['create']['mutate']>[0];
    expectTypeOf<Input>().toEqualTypeOf<{ name: string; reason: string; filter: EventFilter }>();
    expectTypeOf<
      Awaited<ReturnType<Trpc['holds']['create']['mutate']>>
    >().toEqualTypeOf<LegalHold>();
    expectTypeOf<
      Awaited<ReturnType<Trpc['holds']['release']['mutate']>>
    >().toEqualTypeOf<LegalHold>();
    type Listed = Awaited<ReturnType<Trpc['holds']['list']['query']>>;
    expectTypeOf<Listed['items'][number]>().toEqualTypeOf<LegalHold>();
    expectTypeOf<LegalHold['held']>().toEqualTypeOf<{
      count: number;
      isEstimate: boolean;
    } | null>();
  });
});

describe('jobs.report', () => {
  it('needs a key, name, type and a known state', () => {
    type Input = Parameters<AuditClient['jobs']['report']>[0];
    expectTypeOf<Input>().toEqualTypeOf<RouterInputs['jobs']['report']>();
    expectTypeOf<{ key: 'k'; name: 'n'; type: 't'; state: 'success' }>().toExtend<Input>();
    expectTypeOf<{ key: 'k'; name: 'n'; type: 't'; state: 'done' }>().not.toExtend<Input>();
    expectTypeOf<{ name: 'n'; type: 't'; state: 'success' }>().not.toExtend<Input>();
    expectTypeOf(client.jobs.report).returns.resolves.toEqualTypeOf<{
      job: Job;
      created: boolean;
    }>();
  });
});
