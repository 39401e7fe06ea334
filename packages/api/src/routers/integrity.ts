import { queryRows, sealEntries } from '@audit/db';
import { rawPublicKey } from '@audit/db/integrity';
import { sql } from 'drizzle-orm';

import { recordOwnEvent } from '../data/audit-trail';
import { createJob } from '../data/jobs';
import { tenantScopeOf } from '../data/principals';
import { listProducerGaps } from '../data/producer-gaps';
import { UNSEALED_AFTER_MS, verifySeals } from '../integrity/verify';
import { lastEndedJobOfType, pendingJobOfType } from '../jobs/daily-job';
import { DAILY_VERIFY } from '../jobs/verify-job';
import {
  gapsInputSchema,
  gapsOutput,
  publicKeyInput,
  publicKeyOutput,
  startVerifyInput,
  startVerifyOutput,
  statusInput,
  statusOutput,
  VERIFY_MAX_EVENTS,
  verifyInput,
  verifyOutput,
} from '../schemas/integrity';
import { adminProcedure, readProcedure, router } from '../trpc';

export const integrityRouter = router({
  /** Producers' sequence gaps open past the grace period: events sent that never arrived. */
  gaps: readProcedure
    .input(gapsInputSchema)
    .output(gapsOutput)
    .query(({ ctx, input }) =>
      listProducerGaps(ctx.db, {
        ...input,
        tenantScope: tenantScopeOf(ctx.principal),
        now: ctx.clock(),
      }),
    ),

  /** The key the chain is signed with: all a verifier needs from this server. */
  publicKey: readProcedure
    .input(publicKeyInput)
    .output(publicKeyOutput)
    .query(({ ctx }) => ({
      algorithm: 'Ed25519' as const,
      keyId: ctx.signingKey.keyId,
      pem: ctx.signingKey.publicKeyPem,
      raw: rawPublicKey(ctx.signingKey.publicKey),
    })),

  /**
   * Checks the chain and the events it seals, up to VERIFY_MAX_EVENTS events a call (the
   * answer says where to go on); the daily job and `pnpm verify` check everything.
   */
  verify: readProcedure
    .input(verifyInput)
    .output(verifyOutput)
    .query(({ ctx, input }) =>
      verifySeals(ctx.db, ctx.signingKey.publicKey, {
        from: input?.from,
        to: input?.to,
        tenant: tenantScopeOf(ctx.principal) ?? input?.tenant,
        afterSeq: input?.afterSeq,
        now: ctx.clock(),
        sealingDelayMs: UNSEALED_AFTER_MS,
        maxEvents: VERIFY_MAX_EVENTS,
      }),
    ),

  /** What the integrity panel shows: how far sealing is, and the last verification. */
  status: readProcedure
    .input(statusInput)
    .output(statusOutput)
    .query(async ({ ctx }) => {
      const [head] = await queryRows<{
        entries: number;
        through: string | null;
        at: Date | string | null;
      }>(
        ctx.db,
        sql`SELECT (SELECT count(*) FROM ${sealEntries})::int AS entries,
                   (SELECT through_id::text FROM ${sealEntries} WHERE kind = 'checkpoint'
                    ORDER BY seq DESC LIMIT 1) AS through,
                   (SELECT sealed_at FROM ${sealEntries} ORDER BY seq DESC LIMIT 1) AS at`,
      );
      const through = head?.through ?? '0';
      const [backlog] = await queryRows<{ n: number }>(
        ctx.db,
        sql`SELECT count(*)::int AS n FROM (
              SELECT 1 FROM events WHERE id > ${through}::bigint LIMIT 100001) AS unsealed`,
      );
      return {
        keyId: ctx.signingKey.keyId,
        entries: head?.entries ?? 0,
        sealedThroughId: head?.through ?? null,
        lastSealedAt: head?.at ? new Date(head.at) : null,
        unsealedEvents: backlog?.n ?? 0,
        lastVerification: await lastEndedJobOfType(ctx.db, DAILY_VERIFY.type),
        nextVerification: await pendingJobOfType(ctx.db, DAILY_VERIFY.type),
      };
    }),

  /** "Verify now": a verification job over the whole chain, shown on the Jobs page. */
  startVerify: adminProcedure
    .input(startVerifyInput)
    .output(startVerifyOutput)
    .mutation(({ ctx }) => {
      const now = ctx.clock();
      return ctx.db.transaction(async (tx) => {
        const job = await createJob(
          tx,
          {
            tenant: null,
            name: 'Integrity: verify the seals (now)',
            type: DAILY_VERIFY.type,
            createdBy: ctx.user.username,
            params: {},
          },
          now,
        );
        await recordOwnEvent(
          tx,
          ctx.meta,
          {
            task: 'integrity.startVerify',
            actor: ctx.user.username,
            status: 'job_scheduled',
            description: 'Verification of the seals requested',
            objectType: 'seals',
            jobId: job.id,
          },
          now,
        );
        return job;
      });
    }),
});
