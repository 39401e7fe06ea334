import { users, type Database, type User, type UserRole } from '@audit/db';
import { asc, count, eq, sql } from 'drizzle-orm';

import { ConflictError, NotFoundError } from './errors';
import { hashPassword } from '../auth/secrets';
import { isUniqueViolation } from './db-errors';
import { deleteUserSessions } from './sessions';

export type PublicUser = Omit<User, 'passwordHash'>;

const publicColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  lastLoginAt: users.lastLoginAt,
};

export async function listUsers(db: Database): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.username));
}

export async function findUserByName(db: Database, username: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return user;
}

export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function createUser(
  db: Database,
  input: { username: string; password: string; role: UserRole },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await db
      .insert(users)
      .values({ username: input.username, passwordHash, role: input.role })
      .returning(publicColumns);
    if (!user) throw new Error('insert returned nothing');
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`username: "${input.username}" is already taken`);
    }
    throw error;
  }
}

export interface UserChanges {
  role?: UserRole | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
}

/** Applies the changes; disabling a user or changing their password ends their sessions. */
export async function updateUser(
  db: Database,
  id: string,
  changes: UserChanges,
  now: Date,
): Promise<PublicUser> {
  const [user] = await db
    .update(users)
    .set({
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      ...(changes.password !== undefined
        ? { passwordHash: await hashPassword(changes.password) }
        : {}),
      updatedAt: now,
    })
    .where(eq(users.id, id))
    .returning(publicColumns);
  if (!user) throw new NotFoundError(`id: no user ${id}`);
  if (changes.disabled || changes.password !== undefined) await deleteUserSessions(db, id);
  return user;
}

export async function countActiveAdmins(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(sql`${users.role} = 'admin' AND NOT ${users.disabled}`);
  return row?.n ?? 0;
}
