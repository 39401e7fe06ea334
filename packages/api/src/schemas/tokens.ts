import { TOKEN_SCOPES } from '@audit/db';
import { z } from 'zod';

import { isoDate } from './dates';
import { decimalIdSchema, instantSchema } from './values';

/** The shapes of the tokens procedures, inputs beside outputs. */

export const scopeSchema = z.enum(TOKEN_SCOPES);

export const tokenOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, to tell tokens apart. */
  prefix: z.string(),
  scopes: z.array(scopeSchema),
  systemId: z.string().nullable(),
  tenant: z.string(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  expiresAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});

// ---------------------------------------------------------------- list

export const listInputSchema = z.void();

export const listOutput = z.array(tokenOutput);

// ---------------------------------------------------------------- create

const label = z.string().min(1, 'must not be empty').max(200);

export const createInputSchema = z
  .object({
    name: label,
    scopes: z.array(scopeSchema).min(1, 'give at least one scope'),
    /** Recorded as systemId on events this token records without one. */
    systemId: label.optional(),
    tenant: label.optional(),
    expiresAt: instantSchema.optional(),
  })
  .strict();

export const createOutput = z.object({ token: tokenOutput, secret: z.string() });

// ---------------------------------------------------------------- revoke

export const revokeInputSchema = z.object({ id: decimalIdSchema }).strict();
