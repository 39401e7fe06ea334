import { queryRows, sealEntries, type Database } from '@audit/db';
import { sql } from 'drizzle-orm';

import { recordOwnEvent } from '../data/audit-trail';
import type { SigningKey } from '../integrity/signing-key';
import { UNSEALED_AFTER_MS, verifySeals, type VerifyReport } from '../integrity/verify';
import { ensureDailyJob, type DailyJob } from './daily-job';
import type { JobHandler } from './runner';

export const DAILY_VERIFY: DailyJob = {
  type: 'verify',
  name: 'Integrity: verify the seals',
  // After retention (03:00), so that the day's receipts are in.
  hourUtc: 4,
  lockKey: 7_412_003_022,
};

/** Problems a job's result keeps (all are counted); `integrity.verify` lists more. */
const JOB_PROBLEMS = 100;

export function ensureVerifyJob(db: Database, now: Date) {
  return ensureDailyJob(db, DAILY_VERIFY, now);
}

/** "ok" or the problems by kind, for a summary line. */
export function describeReport(report: VerifyReport): string {
  const checked = `${report.checkedEvents} events in ${report.checkedSeals} seals`;
  if (report.ok) return `Verified ${checked}: intact`;
  const kinds = Object.entries(report.problemCounts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  return `Verified ${checked}: ${kinds.join(', ')}`;
}

/** Verifies the whole chain (bounded memory, any size) and records that it did, and what it found. */
export function verifyJobHandler(key: SigningKey): JobHandler {
  return {
    async run(ctx) {
      const [head] = await queryRows<{ seq: number | null }>(
        ctx.db,
        sql`SELECT max(seq)::float8 AS seq FROM ${sealEntries}`,
      );
      const lastSeq = head?.seq ?? 0;
      const report = await verifySeals(ctx.db, key.publicKey, {
        now: ctx.now(),
        sealingDelayMs: UNSEALED_AFTER_MS,
        maxProblems: JOB_PROBLEMS,
        onProgress: (checkedEvents, seq) =>
          ctx.progress(
            lastSeq > 0 ? Math.min(99, Math.floor((seq / lastSeq) * 100)) : 0,
            `${checkedEvents} events checked`,
          ),
      });
      const summary = describeReport(report);
      await recordOwnEvent(
        ctx.db,
        null,
        {
          task: 'integrity.verify',
          actor: ctx.job.createdBy,
          status: report.ok ? 'success' : 'failure',
          description: summary,
          objectType: 'seals',
          jobId: ctx.job.id,
          metadata: { problemCounts: report.problemCounts, checkedEvents: report.checkedEvents },
        },
        ctx.now(),
      );
      return { summary, result: { ...report } };
    },
  };
}
