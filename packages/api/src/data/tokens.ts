import { apiTokens, type Database } from '@audit/db';
import { desc, eq } from 'drizzle-orm';

import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { API_TOKEN_PREFIX, newSecret, sha256Hex } from '../auth/secrets';

const publicColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  systemId: apiTokens.systemId,
  tenant: apiTokens.tenant,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
};

export async function listTokens(db: Database) {
  return db.select(publicColumns).from(apiTokens).orderBy(desc(apiTokens.id));
}

export interface NewToken {
  name: string;
  scopes: ('ingest' | 'read')[];
  systemId?: string | undefined;
  tenant?: string | undefined;
  expiresAt?: Date | undefined;
}

/** Creates a token; the secret is returned here once and never again. */
export async function createToken(db: Database, input: NewToken, createdBy: string, now: Date) {
  if (input.expiresAt && input.expiresAt <= now) {
    throw new InvalidInputError('expiresAt: must be in the future (a token that never works)');
  }
  const secret = newSecret(API_TOKEN_PREFIX);
  const [token] = await db
    .insert(apiTokens)
    .values({
      name: input.name,
      tokenHash: sha256Hex(secret),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
      scopes: [...new Set(input.scopes)],
      systemId: input.systemId ?? null,
      tenant: input.tenant ?? 'default',
      createdBy,
      expiresAt: input.expiresAt ?? null,
    })
    .returning(publicColumns);
  if (!token) throw new Error('insert returned nothing');
  return { token, secret };
}

export async function revokeToken(db: Database, id: string, now: Date) {
  const [existing] = await db.select(publicColumns).from(apiTokens).where(eq(apiTokens.id, id));
  if (!existing) throw new NotFoundError(`id: no token ${id}`);
  if (existing.revokedAt) {
    throw new ConflictError(`token ${existing.name} is already revoked`);
  }
  const [token] = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(eq(apiTokens.id, id))
    .returning(publicColumns);
  if (!token) throw new Error('update returned nothing');
  return token;
}
