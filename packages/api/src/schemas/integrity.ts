import { z } from 'zod';

import { PROBLEM_KINDS } from '../integrity/verify';
import { isoDate } from './dates';
import { jobOutput } from './jobs';
import { instantSchema } from './values';

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
