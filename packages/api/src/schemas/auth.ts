import { z } from 'zod';

import { scopeSchema } from './tokens';
import { roleSchema } from './users';

/** The shapes of the auth procedures, inputs beside outputs. */

/** Who is calling, as `auth.me` and `auth.login` show it. */
export const principalOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), username: z.string(), role: roleSchema }),
  z.object({
    kind: z.literal('token'),
    id: z.string(),
    name: z.string(),
    scopes: z.array(scopeSchema),
    systemId: z.string().nullable(),
    tenant: z.string(),
  }),
]);

// ---------------------------------------------------------------- login

export const loginInputSchema = z
  .object({
    username: z.string().min(1, 'must not be empty').max(200),
    password: z.string().min(1, 'must not be empty').max(200),
  })
  .strict();

// ---------------------------------------------------------------- logout

/**
 * Takes an object, not nothing: tRPC 11.19 fails a mutation whose input parser is
 * z.void() when the client sends no body ("Unexpected end of JSON input").
 */
export const logoutInputSchema = z
  .object({
    /** Also end this user's sessions in other browsers. */
    everywhere: z.boolean().optional(),
  })
  .strict();

export const logoutOutput = z.object({ ok: z.literal(true), sessionsEnded: z.number() });

// ---------------------------------------------------------------- me

export const meInputSchema = z.void();
