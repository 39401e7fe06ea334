import { events, users } from '@audit/db';
import type { TRPCError } from '@trpc/server';
import { and, asc, eq, ne } from 'drizzle-orm';
import { ZodError } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, failure, type TestApp } from '../testing/harness';
import { describeZodError } from '../trpc';

/** The message a client sees: bad input is described field by field. */
function clientMessage(error: TRPCError): string {
  return error.cause instanceof ZodError ? describeZodError(error.cause) : error.message;
}

function fieldPaths(error: TRPCError): string[] {
  return error.cause instanceof ZodError
    ? error.cause.issues.map((issue) => issue.path.join('.'))
    : [];
}

describe('users', () => {
  let app: TestApp;
  let adminId: string;

  beforeAll(async () => {
    app = await createTestApp();
    const me = await app.admin.auth.me();
    adminId = me.id;
  });
  afterAll(() => app.close());

  /** The audit events about one user, oldest first. */
  function userEvents(username: string) {
    return app.store.db
      .select({
        taskName: events.taskName,
        userName: events.userName,
        application: events.application,
        systemId: events.systemId,
        status: events.status,
        description: events.description,
        objectType: events.objectType,
        objectName: events.objectName,
        userIp: events.userIp,
      })
      .from(events)
      .where(and(eq(events.objectName, username), eq(events.objectType, 'user')))
      .orderBy(asc(events.id))
      .then((rows) => rows.filter((row) => row.taskName.startsWith('users.')));
  }

  async function adminState() {
    const [row] = await app.store.db
      .select({ role: users.role, disabled: users.disabled, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, adminId));
    return row;
  }

  // First, while `admin` is the only admin.
  describe('the last active admin', () => {
    it('cannot be demoted or disabled, and nothing changes', async () => {
      const before = await adminState();
      const eventsBefore = await userEvents('admin');

      const demote = await failure(app.admin.users.update({ id: adminId, role: 'auditor' }));
      expect(demote.code).toBe('CONFLICT');
      expect(demote.message).toBe(
        'this would leave no active admin; make someone else admin first',
      );

      const disable = await failure(app.admin.users.update({ id: adminId, disabled: true }));
      expect(disable.code).toBe('CONFLICT');

      // Neither change happened, the admin's session survived the refused disable, no event.
      expect(await adminState()).toEqual(before);
      expect(before).toMatchObject({ role: 'admin', disabled: false });
      await expect(app.admin.auth.me()).resolves.toMatchObject({
        username: 'admin',
        role: 'admin',
      });
      expect(await userEvents('admin')).toEqual(eventsBefore);
    });

    it('a disabled admin does not count: the only active admin still cannot step down', async () => {
      const other = await app.admin.users.create({
        username: 'backup-admin',
        password: 'backup-admin-password',
        role: 'admin',
      });
      await app.admin.users.update({ id: other.id, disabled: true });

      await expect(app.admin.users.update({ id: adminId, role: 'auditor' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(app.admin.users.update({ id: adminId, disabled: true })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await adminState()).toMatchObject({ role: 'admin', disabled: false });

      // With the other admin active again, `admin` may step down and come back.
      await app.admin.users.update({ id: other.id, disabled: false });
      const backup = await app.signIn('backup-admin', 'backup-admin-password');
      await expect(app.admin.users.update({ id: adminId, role: 'auditor' })).resolves.toMatchObject(
        {
          role: 'auditor',
        },
      );
      // Now an auditor: the same session no longer passes admin checks.
      await expect(app.admin.users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await backup.users.update({ id: adminId, role: 'admin' });
      await expect(app.admin.users.list()).resolves.toBeInstanceOf(Array);
      // Once the other admin is an auditor again, `admin` is the last one once more.
      await app.admin.users.update({ id: other.id, role: 'auditor' });
      await expect(app.admin.users.update({ id: adminId, disabled: true })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });
  });

  describe('create', () => {
    it('creates a user with a role and records it', async () => {
      const created = await app.admin.users.create({
        username: 'olivia',
        password: 'olivia-password-1',
        role: 'auditor',
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^\d+$/) as unknown,
        username: 'olivia',
        role: 'auditor',
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        updatedAt: expect.any(String) as unknown,
        lastLoginAt: null,
      });
      const olivia = await app.signIn('olivia', 'olivia-password-1');
      await expect(olivia.auth.me()).resolves.toEqual({
        kind: 'user',
        id: created.id,
        username: 'olivia',
        role: 'auditor',
      });

      const admin = await app.admin.users.create({
        username: 'peter',
        password: 'peter-password-12',
        role: 'admin',
      });
      expect(admin.role).toBe('admin');
      const peter = await app.signIn('peter', 'peter-password-12');
      await expect(peter.users.list()).resolves.toBeInstanceOf(Array);

      expect(await userEvents('olivia')).toEqual([
        {
          taskName: 'users.create',
          userName: 'admin',
          application: 'audit',
          systemId: 'audit-log-manager',
          status: 'success',
          description: 'Created auditor olivia',
          objectType: 'user',
          objectName: 'olivia',
          userIp: '10.20.30.40',
        },
      ]);
      expect(await userEvents('peter')).toEqual([
        expect.objectContaining({ taskName: 'users.create', description: 'Created admin peter' }),
      ]);
    });

    it('refuses a user name already taken, whatever its case, and records nothing', async () => {
      await app.admin.users.create({
        username: 'Quinn',
        password: 'quinn-password-1',
        role: 'auditor',
      });
      const error = await failure(
        app.admin.users.create({ username: 'quinn', password: 'another-password', role: 'admin' }),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toBe('username: "quinn" is already taken');

      const matching = (await app.admin.users.list()).filter(
        (u) => u.username.toLowerCase() === 'quinn',
      );
      expect(matching).toEqual([expect.objectContaining({ username: 'Quinn', role: 'auditor' })]);
      expect(await userEvents('quinn')).toEqual([]);
      expect(await userEvents('Quinn')).toHaveLength(1);
    });

    it('refuses a short password, naming the field', async () => {
      const error = await failure(
        app.admin.users.create({ username: 'rita', password: 'short', role: 'auditor' }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(fieldPaths(error)).toEqual(['password']);
      expect(clientMessage(error)).toBe('password: must be at least 12 characters');
      expect((await app.admin.users.list()).map((u) => u.username)).not.toContain('rita');
    });

    it('refuses a bad user name, naming the field', async () => {
      const error = await failure(
        app.admin.users.create({
          username: 'sam smith',
          password: 'sam-password-12',
          role: 'auditor',
        }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(fieldPaths(error)).toEqual(['username']);
      expect(clientMessage(error)).toBe('username: may hold letters, digits and . _ @ - only');

      const empty = await failure(
        app.admin.users.create({ username: '', password: 'sam-password-12', role: 'auditor' }),
      );
      expect(clientMessage(empty)).toMatch(/^username: must not be empty/);

      const role = await failure(
        app.admin.users.create({
          username: 'sam',
          password: 'sam-password-12',
          role: 'superuser' as 'admin',
        }),
      );
      expect(role.code).toBe('BAD_REQUEST');
      expect(fieldPaths(role)).toEqual(['role']);
      expect((await app.admin.users.list()).map((u) => u.username)).not.toContain('sam');
    });
  });

  describe('list', () => {
    it('lists users by name without their password hashes', async () => {
      await app.admin.users.create({
        username: 'tara',
        password: 'tara-password-1',
        role: 'auditor',
      });
      const list = await app.admin.users.list();

      const names = list.map((u) => u.username);
      expect(names).toContain('admin');
      expect(names).toContain('tara');
      // (Only lower-case names: how upper and lower case interleave depends on the collation.)
      const lowerCase = names.filter((name) => name === name.toLowerCase());
      expect(lowerCase).toEqual([...lowerCase].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      for (const user of list) {
        expect(Object.keys(user).sort()).toEqual(
          ['createdAt', 'disabled', 'id', 'lastLoginAt', 'role', 'updatedAt', 'username'].sort(),
        );
      }
      expect(JSON.stringify(list)).not.toContain('scrypt$');
      expect(list.find((u) => u.username === 'tara')).toMatchObject({
        role: 'auditor',
        disabled: false,
        lastLoginAt: null,
      });
      expect(list.find((u) => u.username === 'admin')?.lastLoginAt).toEqual(expect.any(String));
    });
  });

  describe('update', () => {
    it('changes the role, effective for the current session, and records it', async () => {
      const created = await app.admin.users.create({
        username: 'uma',
        password: 'uma-password-123',
        role: 'auditor',
      });
      const uma = await app.signIn('uma', 'uma-password-123');
      await expect(uma.users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });

      const updated = await app.admin.users.update({ id: created.id, role: 'admin' });
      expect(updated).toMatchObject({
        id: created.id,
        username: 'uma',
        role: 'admin',
        disabled: false,
      });

      await expect(uma.auth.me()).resolves.toMatchObject({ role: 'admin' });
      await expect(uma.users.list()).resolves.toBeInstanceOf(Array);

      await app.admin.users.update({ id: created.id, role: 'auditor' });
      await expect(uma.users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });

      expect((await userEvents('uma')).map((e) => [e.taskName, e.userName, e.description])).toEqual(
        [
          ['users.create', 'admin', 'Created auditor uma'],
          ['users.update', 'admin', 'Updated uma: role → admin'],
          ['users.update', 'admin', 'Updated uma: role → auditor'],
        ],
      );
    });

    it('disabling ends the user’s sessions and blocks sign-in; enabling lets them back', async () => {
      const created = await app.admin.users.create({
        username: 'victor',
        password: 'victor-password1',
        role: 'auditor',
      });
      const first = await app.signIn('victor', 'victor-password1');
      const second = await app.signIn('victor', 'victor-password1');

      const updated = await app.admin.users.update({ id: created.id, disabled: true });
      expect(updated.disabled).toBe(true);

      for (const session of [first, second]) {
        await expect(session.auth.me()).rejects.toMatchObject({
          code: 'UNAUTHORIZED',
          message: 'the session has ended; sign in again',
        });
      }
      await expect(app.signIn('victor', 'victor-password1', '10.77.0.1')).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      // Ended, not just hidden: enabling again does not bring the old sessions back.
      await app.admin.users.update({ id: created.id, disabled: false });
      await expect(first.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const again = await app.signIn('victor', 'victor-password1', '10.77.0.2');
      await expect(again.auth.me()).resolves.toMatchObject({ username: 'victor' });

      expect((await userEvents('victor')).map((e) => e.description)).toEqual([
        'Created auditor victor',
        'Updated victor: disabled',
        'Updated victor: enabled',
      ]);
    });

    it('a password change ends the user’s sessions; only the new password works', async () => {
      const created = await app.admin.users.create({
        username: 'wendy',
        password: 'wendy-password-1',
        role: 'auditor',
      });
      const session = await app.signIn('wendy', 'wendy-password-1');

      await app.admin.users.update({ id: created.id, password: 'wendy-password-2' });

      await expect(session.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(app.signIn('wendy', 'wendy-password-1', '10.77.0.3')).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      const fresh = await app.signIn('wendy', 'wendy-password-2', '10.77.0.3');
      await expect(fresh.auth.me()).resolves.toMatchObject({ username: 'wendy' });

      const [event] = (await userEvents('wendy')).filter((e) => e.taskName === 'users.update');
      expect(event).toMatchObject({
        application: 'audit',
        status: 'success',
        userName: 'admin',
        description: 'Updated wendy: password changed',
      });
      expect(JSON.stringify(await userEvents('wendy'))).not.toContain('wendy-password-2');
    });

    it('several changes at once are described together', async () => {
      const created = await app.admin.users.create({
        username: 'xena',
        password: 'xena-password-12',
        role: 'auditor',
      });
      await app.admin.users.update({
        id: created.id,
        role: 'admin',
        disabled: true,
        password: 'xena-password-34',
      });
      const [event] = (await userEvents('xena')).filter((e) => e.taskName === 'users.update');
      expect(event?.description).toBe('Updated xena: role → admin, disabled, password changed');
    });

    it('refuses bad input and unknown users, and records nothing', async () => {
      const created = await app.admin.users.create({
        username: 'yann',
        password: 'yann-password-12',
        role: 'auditor',
      });
      const nothing = await failure(app.admin.users.update({ id: created.id }));
      expect(nothing.code).toBe('BAD_REQUEST');
      expect(clientMessage(nothing)).toBe('input: give at least one of role, disabled, password');

      const shortPassword = await failure(
        app.admin.users.update({ id: created.id, password: 'short' }),
      );
      expect(shortPassword.code).toBe('BAD_REQUEST');
      expect(fieldPaths(shortPassword)).toEqual(['password']);

      const badId = await failure(app.admin.users.update({ id: 'abc', disabled: true }));
      expect(badId.code).toBe('BAD_REQUEST');
      expect(fieldPaths(badId)).toEqual(['id']);

      await expect(
        app.admin.users.update({ id: '987654321', disabled: true }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'id: no user 987654321',
      });

      expect((await userEvents('yann')).map((e) => e.taskName)).toEqual(['users.create']);
      const session = await app.signIn('yann', 'yann-password-12');
      await expect(session.auth.me()).resolves.toMatchObject({ username: 'yann' });
    });
  });
  // Last, as it changes who is admin.
  describe('the last active admin, under concurrent changes', () => {
    it('two admins demoting each other at once leave one admin', async () => {
      // Exactly two active admins: `admin` and a new one.
      await app.store.db
        .update(users)
        .set({ role: 'auditor' })
        .where(and(eq(users.role, 'admin'), ne(users.id, adminId)));
      const other = await app.admin.users.create({
        username: 'race-admin',
        password: 'race-admin-password',
        role: 'admin',
      });
      const activeAdmins = async () =>
        (
          await app.store.db
            .select()
            .from(users)
            .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
        ).map((u) => u.username);
      const raceAdmin = await app.signIn('race-admin', 'race-admin-password');
      try {
        for (let round = 0; round < 5; round += 1) {
          expect((await activeAdmins()).sort()).toEqual(['admin', 'race-admin']);
          // Each admin demotes the other, at the same moment.
          const outcomes = await Promise.allSettled([
            app.admin.users.update({ id: other.id, role: 'auditor' }),
            raceAdmin.users.update({ id: adminId, role: 'auditor' }),
          ]);
          // Exactly one goes through. The other is refused: as the last admin's demotion
          // (CONFLICT), or because its caller was demoted first (FORBIDDEN).
          const refused = outcomes.filter((o) => o.status === 'rejected');
          expect(refused).toHaveLength(1);
          const reason: unknown = refused[0]?.status === 'rejected' ? refused[0].reason : null;
          expect(['CONFLICT', 'FORBIDDEN']).toContain((reason as { code?: string } | null)?.code);
          expect(await activeAdmins()).toHaveLength(1);
          // Back to two admins for the next round.
          await app.store.db
            .update(users)
            .set({ role: 'admin' })
            .where(eq(users.username, 'admin'));
          await app.store.db
            .update(users)
            .set({ role: 'admin' })
            .where(eq(users.username, 'race-admin'));
        }
      } finally {
        await app.store.db
          .update(users)
          .set({ role: 'admin', disabled: false })
          .where(eq(users.id, adminId));
      }
    });
  });
});
