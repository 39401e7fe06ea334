import { randomBytes } from 'node:crypto';

import type { Database } from '@audit/db';

import { recordOwnEvent } from './data/audit-trail';
import { countUsers, createUser } from './data/users';

/**
 * First start: with no user at all, creates `admin` with ADMIN_PASSWORD, or with a
 * generated password that is printed once. Returns the generated password, if any.
 */
export async function ensureFirstAdmin(
  db: Database,
  adminPassword: string | undefined,
  now: Date,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  return db.transaction(async (tx) => {
    // Two processes starting together: only one creates the admin.
    await tx.execute('SELECT pg_advisory_xact_lock(7412003002)');
    if ((await countUsers(tx)) > 0) return { created: false, generatedPassword: null };
    const password = adminPassword ?? randomBytes(18).toString('base64url');
    await createUser(tx, { username: 'admin', password, role: 'admin' });
    await recordOwnEvent(
      tx,
      null,
      {
        task: 'users.create',
        actor: 'system',
        status: 'success',
        description: 'Created admin on first start',
        objectType: 'user',
        objectName: 'admin',
      },
      now,
    );
    return { created: true, generatedPassword: adminPassword ? null : password };
  });
}
