import { events } from '@audit/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../testing/harness';
import { SESSION_COOKIE } from '../trpc';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('auth', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());
  afterEach(() => {
    app.setNow(undefined);
  });

  /** A user of the given role with a known password. */
  async function newUser(username: string, role: 'auditor' | 'admin' = 'auditor') {
    const password = `${username}-secret-pw`;
    const user = await app.admin.users.create({ username, password, role });
    return { ...user, password };
  }

  /** The sign-in and sign-out events about one user name, oldest first. */
  function authEvents(userName: string) {
    return app.store.db
      .select({
        taskName: events.taskName,
        userName: events.userName,
        userIp: events.userIp,
        userAgent: events.userAgent,
        status: events.status,
        description: events.description,
        application: events.application,
        objectType: events.objectType,
        objectName: events.objectName,
      })
      .from(events)
      .where(and(eq(events.application, 'audit'), eq(events.objectName, userName)))
      .orderBy(asc(events.id))
      .then((rows) => rows.filter((row) => row.taskName.startsWith('auth.')));
  }

  describe('login, me, logout', () => {
    it('a successful login sets a session cookie and auth.me returns the user', async () => {
      const user = await newUser('dora');
      const anonymous = app.as({ ip: '192.0.2.10', userAgent: 'Firefox/140' });

      const answer = await anonymous.caller.auth.login({
        username: 'dora',
        password: user.password,
      });

      expect(answer).toEqual({ kind: 'user', id: user.id, username: 'dora', role: 'auditor' });
      const session = anonymous.cookies.get(SESSION_COOKIE);
      expect(session).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const me = await app.as({ session, ip: '192.0.2.10' }).caller.auth.me();
      expect(me).toEqual({ kind: 'user', id: user.id, username: 'dora', role: 'auditor' });

      const [listed] = (await app.admin.users.list()).filter((u) => u.username === 'dora');
      expect(listed?.lastLoginAt).not.toBeNull();
    });

    it('the user name is matched case-insensitively', async () => {
      const user = await newUser('Eliza');
      const anonymous = app.as({ ip: '192.0.2.11' });
      const answer = await anonymous.caller.auth.login({
        username: 'eliza',
        password: user.password,
      });
      expect(answer).toMatchObject({ username: 'Eliza' });
      expect(anonymous.cookies.get(SESSION_COOKIE)).toBeDefined();
    });

    it('a wrong password is refused with UNAUTHORIZED and no cookie', async () => {
      await newUser('frank');
      const anonymous = app.as({ ip: '192.0.2.12' });
      await expect(
        anonymous.caller.auth.login({ username: 'frank', password: 'not-the-password' }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
      expect(anonymous.cookies.size).toBe(0);
    });

    it('an unknown user gets the same answer as a wrong password', async () => {
      const anonymous = app.as({ ip: '192.0.2.13' });
      await expect(
        anonymous.caller.auth.login({ username: 'nobody-here', password: 'whatever-password' }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
      expect(anonymous.cookies.size).toBe(0);
    });

    it('logout ends the session: the old cookie is then refused', async () => {
      const user = await newUser('gina');
      const anonymous = app.as({ ip: '192.0.2.14' });
      await anonymous.caller.auth.login({ username: 'gina', password: user.password });
      const session = anonymous.cookies.get(SESSION_COOKIE);
      const signedIn = app.as({ session, ip: '192.0.2.14' });
      await expect(signedIn.caller.auth.me()).resolves.toMatchObject({ username: 'gina' });

      await expect(signedIn.caller.auth.logout({})).resolves.toEqual({
        ok: true,
        sessionsEnded: 1,
      });

      expect(signedIn.cookies.has(SESSION_COOKIE)).toBe(false);
      await expect(app.as({ session }).caller.auth.me()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'the session has ended; sign in again',
      });
      await expect(app.as({ session }).caller.auth.logout({})).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('logout only ends that one session', async () => {
      const user = await newUser('hank');
      const first = await app.signIn('hank', user.password, '192.0.2.15');
      const second = await app.signIn('hank', user.password, '192.0.2.15');
      await first.auth.logout({});
      await expect(first.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(second.auth.me()).resolves.toMatchObject({ username: 'hank' });
    });

    it('logout everywhere ends every session of that user, and only theirs', async () => {
      const user = await newUser('hilda');
      const bystander = await newUser('hector');
      const sessions = [
        await app.signIn('hilda', user.password, '192.0.2.18'),
        await app.signIn('hilda', user.password, '192.0.2.18'),
        await app.signIn('hilda', user.password, '192.0.2.18'),
      ];
      const other = await app.signIn('hector', bystander.password, '192.0.2.18');

      await expect(sessions[0]?.auth.logout({ everywhere: true })).resolves.toEqual({
        ok: true,
        sessionsEnded: 3,
      });

      for (const session of sessions) {
        await expect(session.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      await expect(other.auth.me()).resolves.toMatchObject({ username: 'hector' });
      expect((await authEvents('hilda')).filter((e) => e.taskName === 'auth.logout')).toEqual([
        expect.objectContaining({
          userName: 'hilda',
          status: 'success',
          description: 'Logout from every session (3)',
        }),
      ]);
    });

    it('a session ends after 12 idle hours; using it keeps it alive', async () => {
      const user = await newUser('hugo');
      const start = new Date();
      app.setNow(start);
      const session = await app.signIn('hugo', user.password, '192.0.2.17');
      const at = (hours: number) => {
        app.setNow(new Date(start.getTime() + hours * HOUR));
      };

      at(11);
      await expect(session.auth.me()).resolves.toMatchObject({ username: 'hugo' });
      at(22); // 11 h after the last use
      await expect(session.auth.me()).resolves.toMatchObject({ username: 'hugo' });
      at(34); // 12 h after the last use
      await expect(session.auth.me()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'the session has ended; sign in again',
      });
    });

    it('a disabled user cannot sign in, even with the right password', async () => {
      const user = await newUser('ivan');
      await app.admin.users.update({ id: user.id, disabled: true });
      const anonymous = app.as({ ip: '192.0.2.16', userAgent: 'curl/8' });
      await expect(
        anonymous.caller.auth.login({ username: 'ivan', password: user.password }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
      expect(anonymous.cookies.size).toBe(0);
      expect(await authEvents('ivan')).toEqual([
        expect.objectContaining({
          taskName: 'auth.login',
          status: 'failure',
          description: 'Login failed: account disabled',
        }),
      ]);
    });
  });

  describe('self-auditing', () => {
    it('records sign-in success, failure and sign-out as audit events', async () => {
      const user = await newUser('julia');
      const ip = '198.51.100.7';
      const userAgent = 'Mozilla/5.0 (X11) Chromium/130';
      const anonymous = app.as({ ip, userAgent });

      await expect(
        anonymous.caller.auth.login({ username: 'julia', password: 'a-wrong-password' }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await anonymous.caller.auth.login({ username: 'JULIA', password: user.password });
      const session = anonymous.cookies.get(SESSION_COOKIE);
      await app.as({ session, ip, userAgent }).caller.auth.logout({});

      const common = { userIp: ip, userAgent, application: 'audit', objectType: 'user' };
      expect(await authEvents('julia')).toEqual([
        {
          ...common,
          taskName: 'auth.login',
          userName: 'julia',
          objectName: 'julia',
          status: 'failure',
          description: 'Login failed: invalid credentials',
        },
        {
          ...common,
          taskName: 'auth.logout',
          userName: 'julia',
          objectName: 'julia',
          status: 'success',
          description: 'Logout',
        },
      ]);
      // The success is recorded under the stored name, the attempt under the name typed.
      expect(await authEvents('JULIA')).toEqual([
        {
          ...common,
          taskName: 'auth.login',
          userName: 'julia',
          objectName: 'JULIA',
          status: 'success',
          description: 'Login Succeeded',
        },
      ]);
    });

    it('a failed sign-in for an unknown user is recorded under the name that was tried', async () => {
      const ip = '198.51.100.8';
      await expect(
        app.as({ ip, userAgent: 'python-requests/2.32' }).caller.auth.login({
          username: 'mallory-unknown',
          password: 'guess-guess-guess',
        }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

      const page = await app.admin.auditLogs.list({
        filter: { application: 'audit', taskName: 'auth.login', userName: 'mallory-unknown' },
      });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        taskName: 'auth.login',
        userName: 'mallory-unknown',
        userIp: ip,
        userAgent: 'python-requests/2.32',
        status: 'failure',
        description: 'Login failed: invalid credentials',
        application: 'audit',
        systemId: 'audit-log-manager',
      });
    });
  });

  describe('brute-force throttle', () => {
    it('slows answers after 3 failures, blocks the user from that IP after 10, and lifts the block after 15 minutes', async () => {
      const user = await newUser('kate');
      const ip = '203.0.113.20';
      const start = new Date();
      app.setNow(start);
      const attacker = app.as({ ip });
      const sleptBefore = app.slept.length;

      for (let attempt = 1; attempt <= 10; attempt += 1) {
        await expect(
          attacker.caller.auth.login({ username: 'kate', password: `wrong-${attempt}` }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong user name or password' });
      }
      // No slow-down for the first three, then 500 ms more for each further failure.
      expect(app.slept.slice(sleptBefore)).toEqual([
        0, 0, 0, 500, 1000, 1500, 2000, 2500, 3000, 3500,
      ]);

      // Blocked from this IP: even the right password is refused.
      await expect(
        attacker.caller.auth.login({ username: 'kate', password: user.password }),
      ).rejects.toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        message: 'too many failed sign-ins; try again in 15 minutes',
      });
      expect(attacker.cookies.size).toBe(0);

      // The refusal is recorded.
      const refusals = (await authEvents('kate')).filter((e) =>
        e.description?.startsWith('Login refused'),
      );
      expect(refusals).toEqual([
        expect.objectContaining({
          taskName: 'auth.login',
          userName: 'kate',
          userIp: ip,
          status: 'failure',
          description: 'Login refused: too many failed attempts',
        }),
      ]);
      expect((await authEvents('kate')).filter((e) => e.status === 'failure')).toHaveLength(11);

      // Another user from another IP is not affected.
      const other = await newUser('liam');
      await expect(app.signIn('liam', other.password, '203.0.113.22')).resolves.toBeDefined();

      // Five minutes on: still blocked, for the ten minutes left.
      app.setNow(new Date(start.getTime() + 5 * MINUTE));
      await expect(
        app.as({ ip }).caller.auth.login({ username: 'kate', password: user.password }),
      ).rejects.toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        message: 'too many failed sign-ins; try again in 10 minutes',
      });

      // Past the block, the right password works again.
      app.setNow(new Date(start.getTime() + 16 * MINUTE));
      const kate = await app.signIn('kate', user.password, ip);
      await expect(kate.auth.me()).resolves.toMatchObject({ username: 'kate' });
    });

    it("regression: a stranger's failures do not lock the user out from elsewhere; spread guesses are slowed", async () => {
      const user = await newUser('paul');
      const sleptBefore = app.slept.length;
      // Eleven failures from one stranger: that source is refused for paul…
      for (let attempt = 1; attempt <= 11; attempt += 1) {
        await app
          .as({ ip: '198.51.100.66' })
          .caller.auth.login({ username: 'paul', password: `wrong-${attempt}` })
          .catch(() => undefined);
      }
      await expect(
        app
          .as({ ip: '198.51.100.66' })
          .caller.auth.login({ username: 'paul', password: user.password }),
      ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      // …and paul, from his own desk, signs in.
      await expect(app.signIn('paul', user.password, '198.51.100.7')).resolves.toBeDefined();

      // Guesses spread over many sources are each checked, but slowed per user.
      const spreadFrom = app.slept.length;
      for (let attempt = 1; attempt <= 6; attempt += 1) {
        await expect(
          app
            .as({ ip: `198.51.100.${100 + attempt}` })
            .caller.auth.login({ username: 'paul', password: `spread-${attempt}` }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      expect(app.slept.slice(spreadFrom)).toEqual([0, 0, 0, 500, 1000, 1500]);
      expect(app.slept.length).toBeGreaterThan(sleptBefore);
    });

    it('guesses sent in parallel are limited too: no more than 10 are checked', async () => {
      await newUser('olga');
      const ip = '203.0.113.50';
      const outcomes = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          app.as({ ip }).caller.auth.login({ username: 'olga', password: `parallel-guess-${i}` }),
        ),
      );
      const codes = outcomes.map((o) =>
        o.status === 'rejected' ? (o.reason as { code?: string }).code : 'OK',
      );
      expect(codes.filter((code) => code === 'UNAUTHORIZED').length).toBeLessThanOrEqual(10);
      expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(6);
    });

    it('a success clears the failures counted for that user', async () => {
      const user = await newUser('mona');
      const ip = '203.0.113.30';
      const attacker = app.as({ ip });
      for (let attempt = 1; attempt <= 9; attempt += 1) {
        await expect(
          attacker.caller.auth.login({ username: 'mona', password: `wrong-${attempt}` }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      await app.signIn('mona', user.password, '203.0.113.31');
      // Nine more failures: had the count not been cleared, the 10th would have blocked her.
      for (let attempt = 1; attempt <= 9; attempt += 1) {
        await expect(
          app
            .as({ ip: '203.0.113.32' })
            .caller.auth.login({ username: 'mona', password: `again-${attempt}` }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      await expect(app.signIn('mona', user.password, '203.0.113.33')).resolves.toBeDefined();
    });

    it('30 failures from one IP across different user names block that IP', async () => {
      const user = await newUser('nora');
      const ip = '203.0.113.40';
      const sleptBefore = app.slept.length;

      for (let attempt = 1; attempt <= 30; attempt += 1) {
        await expect(
          app
            .as({ ip })
            .caller.auth.login({ username: `sprayed-${attempt}`, password: 'Winter2026!' }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      const delays = app.slept.slice(sleptBefore);
      expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
      expect(delays.slice(3, 6)).toEqual([500, 1000, 1500]);
      expect(delays.at(-1)).toBe(5000);

      // The IP is blocked, whoever signs in from it, even with the right password.
      const fromBlockedIp = app.as({ ip });
      await expect(
        fromBlockedIp.caller.auth.login({ username: 'nora', password: user.password }),
      ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      expect(fromBlockedIp.cookies.size).toBe(0);
      // The same user from another IP is not.
      await expect(app.signIn('nora', user.password, '203.0.113.41')).resolves.toBeDefined();
    });
  });
});
