import { events } from '@audit/db';
import { and, asc, eq } from 'drizzle-orm';
import { ZodError } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, failure, type TestApp } from '../testing/harness';

const HOUR = 3_600_000;

describe('tokens', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());
  afterEach(() => {
    app.setNow(undefined);
  });

  const bearer = (secret: string) => app.as({ authorization: `Bearer ${secret}` }).caller;

  function tokenEvents(name: string) {
    return app.store.db
      .select({
        taskName: events.taskName,
        userName: events.userName,
        application: events.application,
        status: events.status,
        description: events.description,
        objectType: events.objectType,
      })
      .from(events)
      .where(and(eq(events.objectName, name), eq(events.objectType, 'api token')))
      .orderBy(asc(events.id));
  }

  describe('create and list', () => {
    it('returns the secret once; the list shows its prefix, never the secret', async () => {
      const { token, secret } = await app.admin.tokens.create({
        name: 'billing ingest',
        scopes: ['ingest', 'read', 'ingest'],
        systemId: 'billing',
        tenant: 'acme',
      });
      expect(secret).toMatch(/^alm_[A-Za-z0-9_-]{43}$/);
      expect(token).toEqual({
        id: expect.stringMatching(/^\d+$/) as unknown,
        name: 'billing ingest',
        prefix: secret.slice(0, 10),
        scopes: ['ingest', 'read'],
        systemId: 'billing',
        tenant: 'acme',
        createdAt: expect.any(String) as unknown,
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
      });

      const list = await app.admin.tokens.list();
      const listed = list.find((t) => t.id === token.id);
      expect(listed).toEqual(token);
      expect(JSON.stringify(list)).not.toContain(secret);
      expect(JSON.stringify(list)).not.toContain(secret.slice(10));
      for (const item of list) {
        expect(item).not.toHaveProperty('secret');
        expect(item).not.toHaveProperty('tokenHash');
      }
    });

    it('defaults: tenant "default", no systemId; the list is newest first', async () => {
      const first = await app.admin.tokens.create({ name: 'first', scopes: ['read'] });
      const second = await app.admin.tokens.create({ name: 'second', scopes: ['read'] });
      expect(first.token).toMatchObject({ tenant: 'default', systemId: null, scopes: ['read'] });
      const ids = (await app.admin.tokens.list()).map((t) => t.id);
      expect(ids.indexOf(second.token.id)).toBeLessThan(ids.indexOf(first.token.id));
    });

    it('refuses a token without scopes or with an unknown scope', async () => {
      const none = await failure(app.admin.tokens.create({ name: 'none', scopes: [] }));
      expect(none.code).toBe('BAD_REQUEST');
      expect(none.cause).toBeInstanceOf(ZodError);
      expect((none.cause as ZodError).issues.map((i) => i.path.join('.'))).toEqual(['scopes']);

      const unknown = await failure(
        app.admin.tokens.create({ name: 'x', scopes: ['write' as 'read'] }),
      );
      expect(unknown.code).toBe('BAD_REQUEST');
      expect((await app.admin.tokens.list()).map((t) => t.name)).not.toContain('none');
    });

    it('the token authenticates as itself, and its use is noted', async () => {
      const { token, secret } = await app.admin.tokens.create({
        name: 'reporting',
        scopes: ['read'],
        systemId: 'reports',
      });
      await expect(bearer(secret).auth.me()).resolves.toEqual({
        kind: 'token',
        id: token.id,
        name: 'reporting',
        scopes: ['read'],
        systemId: 'reports',
        tenant: 'default',
      });
      // The scheme is case-insensitive.
      await expect(
        app.as({ authorization: `bearer ${secret}` }).caller.auth.me(),
      ).resolves.toMatchObject({
        id: token.id,
      });
      const listed = (await app.admin.tokens.list()).find((t) => t.id === token.id);
      expect(listed?.lastUsedAt).toEqual(expect.any(String));
    });

    it('creation and revocation are recorded as audit events', async () => {
      const { token } = await app.admin.tokens.create({ name: 'audited', scopes: ['ingest'] });
      await app.admin.tokens.revoke({ id: token.id });
      expect(await tokenEvents('audited')).toEqual([
        {
          taskName: 'tokens.create',
          userName: 'admin',
          application: 'audit',
          status: 'success',
          description: 'Created API token audited (ingest)',
          objectType: 'api token',
        },
        {
          taskName: 'tokens.revoke',
          userName: 'admin',
          application: 'audit',
          status: 'success',
          description: 'Revoked API token audited',
          objectType: 'api token',
        },
      ]);
    });
  });

  describe('revoke', () => {
    it('revoking makes the token UNAUTHORIZED', async () => {
      const { token, secret } = await app.admin.tokens.create({
        name: 'to revoke',
        scopes: ['ingest', 'read'],
      });
      await expect(bearer(secret).auth.me()).resolves.toMatchObject({ id: token.id });

      const revoked = await app.admin.tokens.revoke({ id: token.id });
      expect(revoked).toMatchObject({
        id: token.id,
        name: 'to revoke',
        revokedAt: expect.any(String) as unknown,
      });

      for (const call of [
        () => bearer(secret).auth.me(),
        () => bearer(secret).auditLogs.list({}),
        () =>
          bearer(secret).auditLogs.record({
            events: [{ userName: 'u', taskName: 't', status: 'success' }],
          }),
      ]) {
        await expect(call()).rejects.toMatchObject({
          code: 'UNAUTHORIZED',
          message: 'the API token is unknown, revoked or expired',
        });
      }
      const listed = (await app.admin.tokens.list()).find((t) => t.id === token.id);
      expect(listed?.revokedAt).toBe(revoked.revokedAt);
    });

    it('revoking twice is a CONFLICT and records one revocation', async () => {
      const { token } = await app.admin.tokens.create({ name: 'twice', scopes: ['read'] });
      const first = await app.admin.tokens.revoke({ id: token.id });
      const error = await failure(app.admin.tokens.revoke({ id: token.id }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toBe('token twice is already revoked');
      const listed = (await app.admin.tokens.list()).find((t) => t.id === token.id);
      expect(listed?.revokedAt).toBe(first.revokedAt);
      expect((await tokenEvents('twice')).map((e) => e.taskName)).toEqual([
        'tokens.create',
        'tokens.revoke',
      ]);
    });

    it('an unknown id is NOT_FOUND', async () => {
      await expect(app.admin.tokens.revoke({ id: '9999999' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'id: no token 9999999',
      });
    });
  });

  describe('expiry and malformed credentials', () => {
    it('an expired token is UNAUTHORIZED', async () => {
      const start = new Date();
      app.setNow(start);
      const expiresAt = new Date(start.getTime() + HOUR).toISOString();
      const { token, secret } = await app.admin.tokens.create({
        name: 'short-lived',
        scopes: ['read'],
        expiresAt,
      });
      expect(token.expiresAt).toBe(expiresAt);

      await expect(bearer(secret).auth.me()).resolves.toMatchObject({ id: token.id });
      app.setNow(new Date(start.getTime() + HOUR - 1));
      await expect(bearer(secret).auth.me()).resolves.toMatchObject({ id: token.id });

      app.setNow(new Date(start.getTime() + HOUR));
      await expect(bearer(secret).auth.me()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'the API token is unknown, revoked or expired',
      });
      app.setNow(new Date(start.getTime() + 2 * HOUR));
      await expect(bearer(secret).auditLogs.list({})).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it.each([
      ['another scheme', 'Digest username="admin"'],
      ['Basic without a colon', `Basic ${Buffer.from('admin').toString('base64')}`],
      ['no scheme', 'alm_abcdefghijklmnop'],
      ['not an API token', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
      ['an empty bearer', 'Bearer '],
      ['an empty header', ''],
    ])(
      'a malformed Authorization header (%s) is UNAUTHORIZED with a clear message',
      async (_case, header) => {
        await expect(app.as({ authorization: header }).caller.auth.me()).rejects.toMatchObject({
          code: 'UNAUTHORIZED',
          message: 'Authorization must be "Bearer alm_…" or "Basic <base64 of user:password>"',
        });
      },
    );

    it('an unknown token is UNAUTHORIZED', async () => {
      await expect(bearer('alm_notatokenthisserverissued').auth.me()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'the API token is unknown, revoked or expired',
      });
    });
  });

  describe('recording and reading through a token', () => {
    it('events get the token’s systemId when none is given, and always its tenant', async () => {
      const ingest = await app.token(['ingest', 'read'], {
        tenant: 'acme',
        systemId: 'billing-svc',
      });
      const result = await ingest.caller.auditLogs.record({
        events: [
          { userName: 'alice', taskName: 'invoice.create', status: 'success', objectName: 'INV-1' },
          {
            userName: 'bob',
            taskName: 'invoice.void',
            status: 'failure',
            systemId: 'billing-worker',
          },
          { userName: 'carl', taskName: 'invoice.send', status: 'success', tenant: 'acme' },
        ],
      });
      expect(result.stored).toBe(3);
      expect(result.duplicates).toBe(0);

      const ids = result.events.map((e) => e.id);
      const stored = await Promise.all(ids.map((id) => app.admin.auditLogs.byId({ id })));
      expect(stored.map((e) => [e.userName, e.tenant, e.systemId])).toEqual([
        ['alice', 'acme', 'billing-svc'],
        ['bob', 'acme', 'billing-worker'],
        ['carl', 'acme', 'billing-svc'],
      ]);

      const noSystem = await app.token(['ingest']);
      const plain = await noSystem.caller.auditLogs.record({
        events: [{ userName: 'dave', taskName: 'x.y', status: 'success' }],
      });
      const [event] = plain.events;
      const dave = await app.admin.auditLogs.byId({ id: event?.id ?? '' });
      expect(dave).toMatchObject({ tenant: 'default', systemId: null, userName: 'dave' });
    });

    it('a token for tenant "acme" cannot record for "globex", and nothing of the batch is stored', async () => {
      const acme = await app.token(['ingest'], { tenant: 'acme', systemId: 'crm' });
      const error = await failure(
        acme.caller.auditLogs.record({
          events: [
            { userName: 'eve', taskName: 'lead.create', status: 'success', tenant: 'globex' },
          ],
        }),
      );
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/^events\.0\.tenant: /);
      expect(error.message).toContain('"acme"');

      const second = await failure(
        acme.caller.auditLogs.record({
          events: [
            { userName: 'frida', taskName: 'lead.create', status: 'success' },
            { userName: 'frida', taskName: 'lead.delete', status: 'success', tenant: 'globex' },
          ],
        }),
      );
      expect(second.code).toBe('FORBIDDEN');
      expect(second.message).toMatch(/^events\.1\.tenant: /);

      const page = await app.admin.auditLogs.list({ filter: { userName: ['eve', 'frida'] } });
      expect(page.items).toEqual([]);
    });

    it('a tenant’s token lists and reads only its tenant’s events', async () => {
      const acme = await app.token(['ingest', 'read'], { tenant: 'acme', systemId: 'scoped' });
      const globex = await app.token(['ingest', 'read'], { tenant: 'globex', systemId: 'scoped' });
      const acmeStored = await acme.caller.auditLogs.record({
        events: [
          {
            userName: 'scope-user',
            taskName: 'scope.test',
            status: 'success',
            description: 'acme one',
          },
          {
            userName: 'scope-user',
            taskName: 'scope.test',
            status: 'success',
            description: 'acme two',
          },
        ],
      });
      const globexStored = await globex.caller.auditLogs.record({
        events: [
          {
            userName: 'scope-user',
            taskName: 'scope.test',
            status: 'success',
            description: 'globex',
          },
        ],
      });

      const acmePage = await acme.caller.auditLogs.list({ filter: { userName: 'scope-user' } });
      expect(acmePage.items.map((e) => e.description).sort()).toEqual(['acme one', 'acme two']);
      expect(acmePage.total).toBe(2);
      expect(new Set(acmePage.items.map((e) => e.tenant))).toEqual(new Set(['acme']));

      // Asking for another tenant gives nothing, not that tenant's events.
      const asked = await acme.caller.auditLogs.list({
        filter: { userName: 'scope-user', tenant: 'globex' },
      });
      expect(asked.items).toEqual([]);

      // Everything the token lists is its own tenant's, including events recorded by others.
      const everything = await acme.caller.auditLogs.list({ limit: 2000 });
      expect(everything.items.length).toBeGreaterThan(0);
      expect(everything.items.every((e) => e.tenant === 'acme')).toBe(true);

      const globexId = globexStored.events[0]?.id ?? '';
      await expect(acme.caller.auditLogs.byId({ id: globexId })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        acme.caller.auditLogs.byId({ id: acmeStored.events[0]?.id ?? '' }),
      ).resolves.toMatchObject({
        tenant: 'acme',
        description: 'acme one',
      });

      // People see every tenant.
      const admin = await app.admin.auditLogs.list({ filter: { userName: 'scope-user' } });
      expect(admin.items.map((e) => e.tenant).sort()).toEqual(['acme', 'acme', 'globex']);
    });
  });
});
