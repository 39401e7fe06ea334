import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * What `/metrics` shows, in Prometheus' text format (prom-client): requests by procedure and
 * status with their latency, events recorded, job runs and their durations, and the
 * process's own (CPU, memory, event-loop lag, heap). One registry per server, so tests can
 * build several.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'audit_' });
  return {
    registry,
    requests: new Counter({
      name: 'audit_requests_total',
      help: 'Requests answered, by procedure (or route) and HTTP status',
      labelNames: ['procedure', 'status'] as const,
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'audit_request_duration_seconds',
      help: 'Time to answer a request, by procedure (or route)',
      labelNames: ['procedure'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventsRecorded: new Counter({
      name: 'audit_events_recorded_total',
      help: 'Events sent to auditLogs.record, by outcome: created, duplicate (a retry) or conflict (an eventId reused with other content)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'audit_job_runs_total',
      help: 'Job runs this process finished, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'audit_job_duration_seconds',
      help: 'How long job runs took, by type',
      labelNames: ['type'] as const,
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
