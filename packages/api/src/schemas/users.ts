import { USER_ROLES } from '@audit/db';
import { z } from 'zod';

import { isoDate } from './dates';
import { decimalIdSchema } from './values';

/** The shapes of the users procedures, inputs beside outputs. */

export const usernameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'may hold letters, digits and . _ @ - only');
export const passwordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');
export const roleSchema = z.enum(USER_ROLES);

/** A user as the API shows one: never the password hash. */
export const userOutput = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
  lastLoginAt: isoDate.nullable(),
});

// ---------------------------------------------------------------- list

export const listInputSchema = z.void();

export const listOutput = z.array(userOutput);

// ---------------------------------------------------------------- create

export const createInputSchema = z
  .object({ username: usernameSchema, password: passwordSchema, role: roleSchema })
  .strict();

// ---------------------------------------------------------------- update

export const updateInputSchema = z
  .object({
    id: decimalIdSchema,
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .strict()
  .refine((i) => i.role !== undefined || i.disabled !== undefined || i.password !== undefined, {
    message: 'give at least one of role, disabled, password',
  });
