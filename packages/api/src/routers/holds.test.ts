import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, failure, type Caller, type TestApp } from '../testing/harness';

const START = new Date('2026-03-10T12:00:00.000Z');
const HOUR = 3_600_000;

describe('holds', () => {
  let app: TestApp;
  let ingest: Caller;
  let auditor: Caller;

  beforeAll(async () => {
    app = await createTestApp({ now: START });
    ingest = (await app.token(['ingest'])).caller;
    auditor = (await app.userWithRole('auditor')).caller;
    // Case "acme": 3 of acme's events, 2 of another tenant's user.
    await ingest.auditLogs.record({
      events: [
        ...[1, 2, 3].map((h) => ({
          userName: 'acme.ops',
          taskName: 'tenant.update',
          status: 'success' as const,
          occurredAt: new Date(START.getTime() - h * HOUR).toISOString(),
          description: `acme change ${h}`,
        })),
        ...[1, 2].map((h) => ({
          userName: 'beta.ops',
          taskName: 'Login',
          status: 'failure' as const,
          occurredAt: new Date(START.getTime() - h * HOUR).toISOString(),
        })),
      ],
    });
  });
  afterAll(() => app.close());

  it('places a hold, lists it with how many events it keeps, and records who placed it', async () => {
    const hold = await app.admin.holds.create({
      name: 'Acme v. Example',
      reason: 'Litigation: keep everything acme.ops did',
      filter: { q: 'user:acme.ops task:tenant.*' },
    });
    expect(hold).toMatchObject({
      name: 'Acme v. Example',
      reason: 'Litigation: keep everything acme.ops did',
      filter: { q: 'user:acme.ops task:tenant.*' },
      createdBy: 'admin',
      createdAt: START.toISOString(),
      releasedBy: null,
      releasedAt: null,
      active: true,
      held: { count: 3, isEstimate: false },
    });

    const listed = await auditor.holds.list();
    const item = listed.items.find((h) => h.id === hold.id);
    expect(item).toMatchObject({ active: true, held: { count: 3, isEstimate: false } });

    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'hold.create' },
    });
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({
      userName: 'admin',
      status: 'success',
      objectType: 'legal_hold',
      objectName: 'Acme v. Example',
      metadata: {
        holdId: hold.id,
        reason: 'Litigation: keep everything acme.ops did',
        filter: { q: 'user:acme.ops task:tenant.*' },
      },
    });
  });

  it('stores the filter as validated: fields, lists, times and the where tree', async () => {
    const hold = await app.admin.holds.create({
      name: 'beta failures',
      reason: 'Incident 77',
      filter: {
        userName: 'beta.ops',
        from: START.getTime() - 2 * HOUR,
        where: { field: 'status', op: 'eq', value: 'failure' },
      },
    });
    expect(hold.filter).toEqual({
      userName: ['beta.ops'],
      from: new Date(START.getTime() - 2 * HOUR).toISOString(),
      where: { field: 'status', op: 'eq', value: 'failure' },
    });
    expect(hold.held).toEqual({ count: 2, isEstimate: false });
  });

  it('releases a hold once, recorded; a released hold keeps nothing', async () => {
    const hold = await app.admin.holds.create({
      name: 'short-lived',
      reason: 'to release',
      filter: { userName: 'beta.ops' },
    });
    const released = await app.admin.holds.release({ id: hold.id });
    expect(released).toMatchObject({
      id: hold.id,
      active: false,
      releasedBy: 'admin',
      releasedAt: START.toISOString(),
      held: null,
    });
    const listed = (await app.admin.holds.list()).items.find((h) => h.id === hold.id);
    expect(listed).toMatchObject({ active: false, held: null, releasedBy: 'admin' });

    const again = await failure(app.admin.holds.release({ id: hold.id }));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/^id: legal hold \d+ was released already/);
    const missing = await failure(app.admin.holds.release({ id: '999999' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: 'id: no legal hold 999999' });

    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'hold.release' },
    });
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({
      userName: 'admin',
      objectName: 'short-lived',
      metadata: { holdId: hold.id },
    });
  });

  it('refuses a bad filter at create time, naming the field, and stores nothing', async () => {
    const before = (await app.admin.holds.list({ limit: 200 })).items.length;
    const cases: [unknown, RegExp][] = [
      [{ q: 'usr:x' }, /^filter\.q: /],
      [{ q: 'after:someday' }, /^filter\.q: /],
      [{ from: 'yesterday' }, /^filter\.from: /],
      [{ userIp: '10.0.0.0/33' }, /^filter\.userIp: /],
      [{ where: { field: 'status', op: 'gt', value: 'failure' } }, /^filter\.where/],
      [{ colour: 'red' }, /^filter: /],
    ];
    for (const [filter, message] of cases) {
      const error = await failure(
        app.admin.holds.create({
          name: 'bad',
          reason: 'bad filter',
          filter: filter as never,
        }),
      );
      expect(error.code, JSON.stringify(filter)).toBe('BAD_REQUEST');
      expect(error.message, JSON.stringify(filter)).toMatch(message);
    }
    const empty = await failure(
      app.admin.holds.create({ name: '', reason: 'x', filter: { userName: 'a' } }),
    );
    expect(empty.message).toBe('name: must not be empty');
    expect((await app.admin.holds.list({ limit: 200 })).items).toHaveLength(before);
    const trail = await app.admin.auditLogs.list({
      filter: { application: 'audit', taskName: 'hold.create', q: 'bad' },
    });
    expect(trail.items).toHaveLength(0);
  });

  it('lets auditors read holds but not place or release them; tokens see none', async () => {
    const [hold] = (await app.admin.holds.list()).items;
    expect((await auditor.holds.list()).items.length).toBeGreaterThan(0);
    await expect(
      auditor.holds.create({ name: 'mine', reason: 'no', filter: { userName: 'x' } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(auditor.holds.release({ id: hold!.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const reader = (await app.token(['read'])).caller;
    await expect(reader.holds.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.admin.holds.list()).items.find((h) => h.id === hold!.id)?.active).toBe(
      hold!.active,
    );
  });

  it('regression: a relative time in a hold moved with the clock (read against its creation)', async () => {
    // "The last 90 minutes" when placed: acme's and beta's events of one hour ago.
    const hold = await app.admin.holds.create({
      name: 'last 90 minutes',
      reason: 'relative',
      filter: { q: 'after:-90m user:acme.ops,beta.ops' },
    });
    expect(hold.held?.count).toBe(2);
    app.setNow(new Date(START.getTime() + 30 * 86_400_000));
    try {
      const later = await app.signIn('admin', 'admin-password-for-tests');
      const listed = (await later.holds.list()).items.find((h) => h.id === hold.id);
      expect(listed?.held?.count).toBe(2);
    } finally {
      app.setNow(START);
    }
  });

  it('pages newest first', async () => {
    const all = (await app.admin.holds.list({ limit: 200 })).items;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await app.admin.holds.list({ limit: 2 });
    expect(first.items.map((h) => h.id)).toEqual(all.slice(0, 2).map((h) => h.id));
    expect(first.nextCursor).toBe(all[1]!.id);
    const second = await app.admin.holds.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((h) => h.id)).toEqual(all.slice(2, 4).map((h) => h.id));
  });
});
