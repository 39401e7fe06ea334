/* eslint-disable -- compiled only against the packed tarball, by src/package.test.ts */
// A service using the published @audit/sdk the way a project outside this repository does.
// The packaging test installs the packed tarball (alone: it has no dependencies) into a fresh
// project, type-checks this file with tsc at its strictest — no DOM library, no @types at all,
// skipLibCheck off; each @ts-expect-error line must really be an error — compiles it, and
// runs it against a live server (AUDIT_URL, AUDIT_TOKEN, EXPORT_PATH). It prints one JSON
// line for the test to check.
import {
  createAuditClient,
  RecordRejectedError,
  TRPCClientError,
  type AuditEvent,
  type AuditEventInput,
  type EventFilter,
  type Job,
} from '@audit/sdk';

// Without @types/node or the DOM library, the two globals this script uses are its own to declare.
declare const process: { env: Record<string, string | undefined> };
declare const console: { log(line: string): void };

const url = process.env.AUDIT_URL ?? 'http://127.0.0.1:3000';
const token = process.env.AUDIT_TOKEN ?? '';
const exportPath = process.env.EXPORT_PATH ?? 'export.zip';

const audit = createAuditClient({ url, token, headers: { 'x-request-id': 'consumer' } });

// Record through a buffered recorder: batched, retried, each event stored once.
const recorder = audit.recorder({ maxBatch: 100, flushIntervalMs: 50 });
const start = Date.UTC(2026, 0, 1);
for (let i = 0; i < 250; i++) {
  recorder.record({
    userName: i % 2 ? 'alice' : 'bob',
    userIp: '10.1.2.3',
    taskName: `consumer.task.${i % 5}`,
    status: i % 10 === 0 ? 'failure' : 'success',
    occurredAt: new Date(start + i * 60_000),
    objectType: 'invoice',
    objectName: `INV-${1000 + i}`,
    affectedObjects: [{ type: 'invoice', name: `INV-${1000 + i}` }],
    metadata: { i },
  });
}
const stats = await recorder.close();

// Or record now, typed exactly as the API takes it.
const one: AuditEventInput = {
  userName: 'carol',
  taskName: 'consumer.single',
  status: 'success',
  changes: { format: 'json', before: { plan: 'basic' }, after: { plan: 'pro' } },
};
const direct = await audit.record([one]);

// Query through the typed tRPC client, and the helpers.
const filter: EventFilter = {
  taskName: 'consumer.task.*',
  status: ['failure'],
  userIp: '10.0.0.0/8',
};
const page = await audit.trpc.auditLogs.list.query({
  filter,
  sort: { field: 'occurredAt', direction: 'asc' },
  limit: 10,
});
const first: AuditEvent | undefined = page.items[0];
const detail = first ? await audit.byId(first.id, first.occurredAt) : null;
let iterated = 0;
for await (const event of audit.iterate({ taskName: 'consumer.*' }, { pageSize: 100 })) {
  if (event.taskName.startsWith('consumer.')) iterated++;
}

// Report the service's own job.
const reported = await audit.jobs.report({
  key: 'consumer-run-1',
  name: 'Consumer run',
  type: 'consumer',
  state: 'success',
  percent: 100,
  result: { recorded: stats.stored },
});
const job: Job = await audit.jobs.byId(reported.job.id);

// Export to a file, following the job.
const progress: string[] = [];
const exported = await audit.exportTo(
  { taskName: 'consumer.*' },
  { format: 'ndjson', timeZone: 'UTC' },
  exportPath,
  { pollIntervalMs: 50, onProgress: (j) => progress.push(j.state) },
);

// A refused event is reported, never dropped silently.
let refused = '';
try {
  await audit.record({
    userName: 'x',
    taskName: 'consumer.bad',
    status: 'success',
    userIp: 'nope',
  });
} catch (error) {
  if (error instanceof RecordRejectedError) refused = error.rejected[0]?.reason ?? '';
}

console.log(
  JSON.stringify({
    stats,
    directStored: direct.stored,
    listed: page.items.length,
    total: page.total,
    firstStatus: first?.status,
    detailUser: detail?.userName,
    iterated,
    job: { state: job.state, type: job.type, percent: job.percent },
    export: {
      rows: exported.archive.rowCount,
      bytes: exported.bytes,
      sha256: exported.archive.sha256,
      lastState: progress.at(-1),
    },
    refused,
  }),
);

/** Never called: each line after a @ts-expect-error must fail to compile. */
export function typeErrors(): void {
  // @ts-expect-error a filter field that does not exist
  void audit.trpc.auditLogs.list.query({ filter: { userNmae: 'alice' } });
  // @ts-expect-error a status value that does not exist
  void audit.iterate({ status: 'succeeded' });
  // @ts-expect-error an event without its required taskName
  recorder.record({ userName: 'alice', status: 'success' });
  // @ts-expect-error an event status that does not exist
  void audit.record({ userName: 'alice', taskName: 'Login', status: 'ok' });
  // @ts-expect-error a job state that does not exist
  void audit.jobs.report({ key: 'k', name: 'n', type: 't', state: 'done' });
  // @ts-expect-error a job report without its required key
  void audit.jobs.report({ name: 'n', type: 't', state: 'success' });
  // @ts-expect-error an export format that does not exist
  void audit.exportTo(undefined, { format: 'xlsx' }, 'out.zip');
  // @ts-expect-error ids are decimal strings on the wire, not numbers
  void audit.trpc.auditLogs.byId.query({ id: 42 });
  // @ts-expect-error no such procedure
  void audit.trpc.auditLogs.remove.mutate({ id: '1' });
  // @ts-expect-error outputs are typed too: no such field
  const typo: string = page.items[0]?.userNmae;
  // @ts-expect-error a column that cannot be sorted on
  void audit.list({ sort: { field: 'metadata', direction: 'asc' } });
  // @ts-expect-error a field of the filter given a number
  void audit.iterate({ userName: 42 });
  void typo;
  const error: unknown = new Error('x');
  if (error instanceof TRPCClientError) {
    // @ts-expect-error API errors carry the API's own codes
    if (error.data?.code === 'NO_SUCH_CODE') void error.data.httpStatus;
  }
}
