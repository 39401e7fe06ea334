// Compiled only against the packed tarball, by src/package.test.ts.
// The same published @audit/sdk from CommonJS: `import` here compiles to require(), which
// takes the package's `require` entry (dist/index.cjs, typed by dist/index.d.cts). Records
// an event and lists it back from the live server (AUDIT_URL, AUDIT_TOKEN), then prints one
// JSON line for the packaging test.
import { createAuditClient, MAX_BATCH, type AuditEvent, type RecordOutcome } from '@audit/sdk';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };
declare const console: { log(line: string): void; error(error: unknown): void };

async function main(): Promise<void> {
  const audit = createAuditClient({
    url: process.env.AUDIT_URL ?? 'http://127.0.0.1:3000',
    token: process.env.AUDIT_TOKEN ?? '',
  });
  const recorded: RecordOutcome = await audit.record({
    userName: 'dave',
    taskName: 'consumer.cjs.login',
    status: 'success',
    action: 'login',
  });
  const page = await audit.list({ filter: { taskName: 'consumer.cjs.*' } });
  const event: AuditEvent | undefined = page.items[0];
  console.log(
    JSON.stringify({
      stored: recorded.stored,
      eventId: recorded.events[0]?.eventId,
      listed: page.items.map((item) => ({
        eventId: item.eventId,
        userName: item.userName,
        action: item.action,
      })),
      status: event?.status,
      maxBatch: MAX_BATCH,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/** Never called: the line after the @ts-expect-error must fail to compile. */
export function typeError(audit: ReturnType<typeof createAuditClient>): void {
  // @ts-expect-error an action that does not exist
  void audit.record({ userName: 'dave', taskName: 't', status: 'success', action: 'fly' });
}
