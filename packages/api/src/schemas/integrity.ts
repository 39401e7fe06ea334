import { z } from 'zod';

import { PROBLEM_KINDS } from '../integrity/verify';
import { isoDate } from './dates';
import { jobOutput } from './jobs';
import { instantSchema, shortText } from './values';

/** The shapes of the integrity procedures, inputs beside outputs. */

// ---------------------------------------------------------------- publicKey

export const publicKeyInput = z.void();

export const publicKeyOutput = z.object({
  algorithm: z.literal('Ed25519'),
  /** First 16 hex digits of SHA-256 of the raw key; every chain entry names it. */
  keyId: z.string(),
  /** SPKI PEM: what `audit-verify --key` and the SDK's verifyArchive take. */
  pem: z.string(),
  /** The 32 raw bytes, base64. */
  raw: z.string(),
});

// ---------------------------------------------------------------- verify

/** Most events one `integrity.verify` call compares; past it, it answers where to go on from. */
export const VERIFY_MAX_EVENTS = 200_000;

export const verifyInput = z
  .object({
    /** Chain entries made from / until these instants (checkpoints seal events within seconds of recording). */
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    /** Only this tenant's events are compared (a token's own tenant always). */
    tenant: z.string().min(1).max(200).optional(),
    /** Go on after this chain entry (a previous answer's `resumeAfterSeq`). */
    afterSeq: z.number().int().min(0).optional(),
  })
  .strict()
  .optional();

export const problemOutput = z.object({
  kind: z.enum(PROBLEM_KINDS),
  seq: z.number().nullable(),
  id: z.string().nullable(),
  eventId: z.string().nullable(),
  detail: z.string(),
});

export const verifyOutput = z.object({
  ok: z.boolean(),
  checkedEvents: z.number(),
  checkedSeals: z.number(),
  purgedEvents: z.number(),
  problemCounts: z.record(z.enum(PROBLEM_KINDS), z.number()),
  /** The first 1 000 problems (all are counted in problemCounts). */
  problems: z.array(problemOutput),
  complete: z.boolean(),
  resumeAfterSeq: z.number().nullable(),
  lastSeq: z.number().nullable(),
  sealedThroughId: z.string().nullable(),
});

// ---------------------------------------------------------------- status

export const statusInput = z.void();

export const statusOutput = z.object({
  keyId: z.string(),
  /** The chain's length, and how far and until when events are sealed. */
  entries: z.number(),
  sealedThroughId: z.string().nullable(),
  lastSealedAt: isoDate.nullable(),
  /** Events recorded and not sealed yet (the sealer's backlog, normally a second's worth). */
  unsealedEvents: z.number(),
  /** The verification job: its last run (result: the report) and its next. */
  lastVerification: jobOutput.nullable(),
  nextVerification: jobOutput.nullable(),
});

// ---------------------------------------------------------------- startVerify

export const startVerifyInput = z.void();
export const startVerifyOutput = jobOutput;

// ---------------------------------------------------------------- gaps

/** How long a sequence gap may stay open before it is reported: 5 minutes. */
export const DEFAULT_GAP_GRACE_SECONDS = 300;

/** Most gaps one answer lists (`limit`). */
export const MAX_GAPS_LISTED = 1000;

export const gapsInputSchema = z
  .object({
    /** Only this tenant's producers (an API token sees its own tenant only, whatever this says). */
    tenant: shortText(200).optional(),
    /** Only this producer. */
    producerId: shortText(200).optional(),
    /**
     * Gaps open for less than this many seconds are not reported yet: batches sent at once
     * arrive out of order, and a retry may still bring the missing events.
     */
    graceSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(0, 'must not be negative')
      .max(31_536_000, 'must be at most 31536000 (a year)')
      .default(DEFAULT_GAP_GRACE_SECONDS),
    limit: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(MAX_GAPS_LISTED, `must be at most ${MAX_GAPS_LISTED}`)
      .default(100),
  })
  .strict()
  .default({ graceSeconds: DEFAULT_GAP_GRACE_SECONDS, limit: 100 });

/** Events a producer numbered and the server never received. */
export const gapOutput = z.object({
  tenant: z.string(),
  producerId: z.string(),
  /** The first and last missing sequence numbers. */
  firstMissing: z.number(),
  lastMissing: z.number(),
  /** How many are missing: the whole range when `exact`. */
  count: z.number(),
  /**
   * false when the producer had more open ranges than are kept per producer (1000), and its
   * lowest ones were merged into this one: `count` of the numbers in it are missing.
   */
  exact: z.boolean(),
  /** When a higher number arrived first: the gap has been open since. */
  since: isoDate,
  /** The highest sequence number received from the producer, and when it last sent anything. */
  highSeq: z.number(),
  lastSeenAt: isoDate,
});

export const gapsOutput = z.object({
  /** Gaps open longer than the grace period, by tenant, producer and sequence number. */
  gaps: z.array(gapOutput),
  /** More gaps match than `limit`. */
  truncated: z.boolean(),
  /** Gaps open for less than the grace period (not listed: they may still close). */
  pending: z.number(),
  graceSeconds: z.number(),
  /** The server's time the answer holds for. */
  asOf: isoDate,
});
