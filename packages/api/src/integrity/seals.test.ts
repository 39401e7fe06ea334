import { insertEvents, queryRows, sealEntries, type Database } from '@audit/db';
import { statementText, type CheckpointStatement } from '@audit/db/integrity';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../testing/harness';
import { JUNOS_SPACE_SAMPLES, SDN_SAMPLES } from '../testing/seed-samples';
import { generateSigningKey } from './signing-key';
import { UNSEALED_AFTER_MS, verifySeals, type VerifyReport } from './verify';

/** Runs `change` as a superuser past every trigger, verifies, and rolls it all back. */
async function verifyTampered(
  app: TestApp,
  change: (tx: Database) => Promise<unknown>,
): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  const rollback = new Error('rollback');
  await app.store.db
    .transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await change(tx);
      report = await verifySeals(tx, app.deps.signingKey.publicKey, {
        now: app.deps.clock(),
        sealingDelayMs: UNSEALED_AFTER_MS,
      });
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  if (!report) throw new Error('no report');
  return report;
}

const kinds = (report: VerifyReport) =>
  Object.fromEntries(Object.entries(report.problemCounts).filter(([, n]) => n > 0));

describe('seals: tamper evidence', () => {
  let app: TestApp;
  let ids: string[];
  /** An id drawn by an insert that rolled back: a hole inside the first checkpoint's range. */
  let holeId: string;
  beforeAll(async () => {
    app = await createTestApp();
    const ingest = await app.token(['ingest']);
    const first = await ingest.caller.auditLogs.record({ events: JUNOS_SPACE_SAMPLES });
    const rollback = new Error('rollback');
    await app.store.db
      .transaction(async (tx) => {
        const [stored] = await insertEvents(tx, [
          { userName: 'nobody', taskName: 'Login', status: 'failure' },
        ]);
        holeId = stored?.id ?? '';
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    const second = await ingest.caller.auditLogs.record({ events: SDN_SAMPLES });
    ids = [...first.events, ...second.events].map((event) => event.id);
    await app.seal();
    // A second checkpoint, after the first.
    await ingest.caller.auditLogs.record({
      events: Array.from({ length: 30 }, (_, i) => ({
        userName: `user-${i}`,
        taskName: 'tenant.create',
        status: 'success' as const,
        description: `event ${i}`,
      })),
    });
    await app.seal();
  });
  afterAll(async () => {
    await app.close();
  });

  it('a clean store verifies ok: every event checked, both checkpoints signed and chained', async () => {
    const report = await app.verify();
    const [row] = await queryRows<{ n: number }>(
      app.store.db,
      sql`SELECT count(*)::int AS n FROM events`,
    );
    expect(report).toMatchObject({
      ok: true,
      checkedEvents: row?.n,
      checkedSeals: 2,
      problems: [],
    });
    expect(row?.n).toBeGreaterThan(39);
    expect(BigInt(holeId)).toBeLessThan(BigInt(ids.at(-1) ?? '0'));
  });

  it('an edited field: altered, naming the event and its checkpoint', async () => {
    const id = ids[2] ?? '';
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`UPDATE events SET description = 'nothing happened' WHERE id = ${id}`),
    );
    expect(kinds(report)).toEqual({ altered: 1 });
    expect(report.problems[0]).toMatchObject({ kind: 'altered', id, seq: 1 });
  });

  it('a deleted row: missing', async () => {
    const id = ids[0] ?? '';
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`DELETE FROM events WHERE id = ${id}`),
    );
    expect(kinds(report)).toEqual({ missing: 1 });
    expect(report.problems[0]).toMatchObject({ kind: 'missing', id, seq: 1 });
  });

  it('a row inserted into a sealed range: inserted', async () => {
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`INSERT INTO events (id, occurred_at, user_name, task_name, status)
                     VALUES (${holeId}, now(), 'mallory', 'Login', 'success')`),
    );
    expect(kinds(report)).toEqual({ inserted: 1 });
    expect(report.problems[0]).toMatchObject({ kind: 'inserted', id: holeId, seq: 1 });
  });

  it('two events swapped: both altered', async () => {
    const [a, b] = [ids[1] ?? '', ids[5] ?? ''];
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`UPDATE events SET id = CASE id WHEN ${a} THEN ${b}::bigint ELSE ${a}::bigint END
                     WHERE id IN (${a}, ${b})`),
    );
    expect(kinds(report)).toEqual({ altered: 2 });
    expect(report.problems.map((p) => p.id).sort()).toEqual([a, b].sort());
  });

  it('an edited checkpoint: bad-signature', async () => {
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`UPDATE seal_entries SET statement = replace(statement, '"count":', '"count":1')
                     WHERE seq = 2`),
    );
    expect(kinds(report)).toMatchObject({ 'bad-signature': 1 });
    expect(report.problems[0]).toMatchObject({ kind: 'bad-signature', seq: 2 });
  });

  it('a checkpoint re-signed with another key: bad-signature, naming both keys', async () => {
    const other = generateSigningKey();
    const [entry] = await app.store.db
      .select()
      .from(sealEntries)
      .where(sql`seq = 1`);
    const statement = JSON.parse(entry?.statement ?? '{}') as CheckpointStatement;
    // Mallory drops an event from the seal and signs the result with her own key.
    const forged = statementText({ ...statement, keyId: other.keyId, count: statement.count - 1 });
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`UPDATE seal_entries SET statement = ${forged}, signature = ${other.sign(forged)}
                     WHERE seq = 1`),
    );
    expect(report.problemCounts['bad-signature']).toBe(1);
    expect(report.problems[0]?.detail).toContain(other.keyId);
    expect(report.problems[0]?.detail).toContain(app.deps.signingKey.keyId);
  });

  it('a checkpoint removed from the chain: chain-broken, and its events unsealed', async () => {
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`DELETE FROM seal_entries WHERE seq = 1`),
    );
    expect(report.problemCounts['chain-broken']).toBeGreaterThanOrEqual(1);
    expect(report.problemCounts.unsealed).toBeGreaterThanOrEqual(ids.length);
  });

  it("a checkpoint's stored leaves edited: chain-broken (they no longer give its signed root)", async () => {
    const report = await verifyTampered(app, (tx) =>
      tx.execute(sql`UPDATE seal_entries SET leaves = overlay(leaves placing decode('ff', 'hex') from 20)
                     WHERE seq = 1`),
    );
    expect(kinds(report)).toEqual({ 'chain-broken': 1 });
  });
});
