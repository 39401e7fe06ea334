import { insertEvents, type Database, type EventStatus } from '@audit/db';

/** Where a request came from, as its audit record gives it. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

/** The systemId of the events this service records about itself. */
export const SELF_SYSTEM_ID = 'audit-log-manager';

export interface OwnEvent {
  /** The procedure path, e.g. `users.create`. */
  task: string;
  /** Who did it; for a failed sign-in, the name that was tried. */
  actor: string;
  status: EventStatus;
  description: string;
  objectType?: string;
  objectName?: string;
  jobId?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Records what a person or this service did (sign-in, user and token changes, exports,
 * purges…) as an ordinary audit event. Call it with the transaction that makes the change,
 * so the change and its record commit together or not at all.
 */
export async function recordOwnEvent(
  tx: Database,
  meta: Partial<RequestMeta> | null,
  event: OwnEvent,
  now: Date,
): Promise<void> {
  await insertEvents(tx, [
    {
      occurredAt: now,
      userName: event.actor,
      userIp: meta?.ip ?? null,
      userAgent: meta?.userAgent ?? null,
      application: 'audit',
      systemId: SELF_SYSTEM_ID,
      taskName: event.task,
      objectType: event.objectType ?? null,
      objectName: event.objectName ?? null,
      status: event.status,
      description: event.description,
      jobId: event.jobId ?? null,
      metadata: { ...(meta?.requestId ? { requestId: meta.requestId } : {}), ...event.metadata },
    },
  ]);
}
