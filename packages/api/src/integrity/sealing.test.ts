import { setTimeout as sleep } from 'node:timers/promises';

import { insertEvents, sealEntries } from '@audit/db';
import { decodeLeaves, type CheckpointStatement } from '@audit/db/integrity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../testing/harness';
import { sealPending, Sealer } from './sealer';

const onPostgres = process.env.DATABASE_URL !== undefined;

const event = (userName: string) => ({
  userName,
  taskName: 'tenant.create',
  status: 'success' as const,
});

/** A promise and the function that settles it (Node 20 has no Promise.withResolvers). */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return {
    promise,
    resolve: () => {
      resolve();
    },
  };
}

/** Every checkpoint's statement and the ids it sealed. */
async function checkpoints(app: TestApp) {
  const rows = await app.store.db.select().from(sealEntries).orderBy(sealEntries.seq);
  return rows
    .filter((row) => row.kind === 'checkpoint')
    .map((row) => ({
      statement: JSON.parse(row.statement) as CheckpointStatement,
      ids: decodeLeaves(row.leaves ?? new Uint8Array()).map((leaf) => leaf.id.toString()),
    }));
}

describe('sealing order', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it(
    onPostgres
      ? 'regression: an event that commits after one with a higher id, already visible, is still sealed (interleaved transactions)'
      : 'interleaved transactions: PostgreSQL only (PGlite runs one transaction at a time, so ids commit in order)',
    async () => {
      if (!onPostgres) {
        expect(app.store.raw.driver).toBe('pglite');
        return;
      }
      await app.seal();
      // A transaction draws an id and stays open…
      let commitLate: () => void = () => undefined;
      let lateId = '';
      const inserted = deferred();
      const late = app.store.db.transaction(async (tx) => {
        const [stored] = await insertEvents(tx, [event('late')]);
        lateId = stored?.id ?? '';
        inserted.resolve();
        await new Promise<void>((resolve) => (commitLate = resolve));
      });
      await inserted.promise;
      // …while a later one, with a higher id, commits and is visible.
      const [early] = await insertEvents(app.store.db, [event('early')]);
      expect(BigInt(early?.id ?? '0')).toBeGreaterThan(BigInt(lateId));

      // The sealer waits for the open insert rather than seal past its id; it commits.
      const sealing = app.seal();
      await sleep(300);
      commitLate();
      await late;
      const outcome = await sealing;
      expect(outcome.events).toBeGreaterThanOrEqual(2);

      const sealedIds = (await checkpoints(app)).flatMap((c) => c.ids);
      expect(sealedIds).toContain(lateId);
      expect(sealedIds).toContain(early?.id);
      expect(await app.verify()).toMatchObject({ ok: true, problems: [] });
    },
  );

  it(
    onPostgres
      ? 'an insert held open longer than the sealer waits: nothing past it is sealed until it commits, then both are'
      : 'a long insert transaction: PostgreSQL only (PGlite runs one transaction at a time)',
    async () => {
      if (!onPostgres) {
        expect(app.store.raw.driver).toBe('pglite');
        return;
      }
      await app.seal();
      const before = (await checkpoints(app)).length;
      let commitLate: () => void = () => undefined;
      const inserted = deferred();
      const late = app.store.db.transaction(async (tx) => {
        await insertEvents(tx, [event('slow')]);
        inserted.resolve();
        await new Promise<void>((resolve) => (commitLate = resolve));
      });
      await inserted.promise;
      await insertEvents(app.store.db, [event('after-slow')]);
      // The sealer gives up waiting (2 s) and seals nothing this round.
      expect(await app.seal()).toMatchObject({ checkpoints: 0 });
      expect((await checkpoints(app)).length).toBe(before);
      commitLate();
      await late;
      expect(await app.seal()).toMatchObject({ checkpoints: 1, events: 2 });
      expect(await app.verify()).toMatchObject({ ok: true });
    },
  );

  it('regression: a chain of more than nine entries goes on (seq was ordered as text: 9 after 10)', async () => {
    await insertEvents(
      app.store.db,
      Array.from({ length: 40 }, (_, i) => event(`small-${i}`)),
    );
    const small = await sealPending(app.store.db, app.deps.signingKey, app.deps.clock, {
      maxEvents: 3,
    });
    expect(small.checkpoints).toBeGreaterThanOrEqual(14);
    await insertEvents(app.store.db, [event('one-more')]);
    expect(await app.seal()).toMatchObject({ checkpoints: 1 });
    const all = await app.store.db.select().from(sealEntries).orderBy(sealEntries.seq);
    expect(all.map((entry) => entry.seq)).toEqual(all.map((_, i) => i + 1));
    expect(await app.verify()).toMatchObject({ ok: true, checkedSeals: all.length, problems: [] });
  });

  it('several sealers at once (several processes) write one chain: each event sealed once, in id order', async () => {
    await insertEvents(
      app.store.db,
      Array.from({ length: 50 }, (_, i) => event(`many-${i}`)),
    );
    await Promise.all([app.seal(), app.seal(), app.seal()]);
    const all = await checkpoints(app);
    const ids = all.flatMap((c) => c.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map(BigInt)).toEqual(ids.map(BigInt).sort((a, b) => (a < b ? -1 : 1)));
    all.forEach((c, i) => {
      if (i > 0) expect(c.statement.afterId).toBe(all[i - 1]?.statement.throughId);
    });
    expect(await app.verify()).toMatchObject({ ok: true });
  });
});

describe('the sealing delay under concurrent ingest', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('every event is sealed within 5 s of being recorded while four writers record', async () => {
    const sealer = new Sealer({ store: app.store, key: app.deps.signingKey });
    sealer.start();
    const ingest = await app.token(['ingest']);
    const until = Date.now() + 3_000;
    let recorded = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, writer) => {
        while (Date.now() < until) {
          await ingest.caller.auditLogs.record({
            events: Array.from({ length: 20 }, (_, i) => event(`w${writer}-${recorded + i}`)),
          });
          recorded += 20;
        }
      }),
    );
    // The last events get their round too.
    const deadline = Date.now() + 10_000;
    while ((await app.admin.integrity.status()).unsealedEvents > 0 && Date.now() < deadline) {
      await sleep(200);
    }
    await sealer.stop();

    const all = await checkpoints(app);
    const sealed = all.reduce((n, c) => n + c.ids.length, 0);
    expect(sealed).toBeGreaterThanOrEqual(recorded);
    const lags = all.map(
      (c) => Date.parse(c.statement.at) - Date.parse(c.statement.firstRecordedAt ?? c.statement.at),
    );
    expect(Math.max(...lags)).toBeLessThanOrEqual(5_000);
    expect(all.length).toBeGreaterThan(1);
    expect(await app.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
