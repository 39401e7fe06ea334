import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDb, insertEvents, type AuditDb } from '@audit/db';
import { createEmptyTestDatabase } from '@audit/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sealPending } from './sealer';
import { generateSigningKey, loadSigningKey } from './signing-key';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** `pnpm verify` as a person runs it: a process of its own, on the environment's database. */
async function runVerify(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('pnpm verify', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-verify-cli-'));
  let env: Record<string, string>;
  let drop: () => Promise<unknown> = () => Promise.resolve();
  const open = (): Promise<AuditDb> =>
    createDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir });

  beforeAll(async () => {
    env = { DATA_DIR: dataDir };
    if (process.env.DATABASE_URL) {
      const database = await createEmptyTestDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = database.url;
      drop = database.drop;
    }
    // The server's key, where the server keeps it (DATA_DIR), and events it sealed.
    const key = await loadSigningKey({ configured: undefined, dataDir });
    const store = await open();
    await store.migrate();
    await insertEvents(
      store.db,
      Array.from({ length: 25 }, (_, i) => ({
        userName: `user-${i}`,
        taskName: 'Login',
        status: 'success' as const,
      })),
    );
    await sealPending(store.db, key, () => new Date());
    await store.close();
  });
  afterAll(async () => {
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says intact and exits 0 on an untouched store, with the server key or one given', async () => {
    const own = await runVerify(env);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toMatch(/Verified 25 events in 1 seals: intact/);
    const key = await loadSigningKey({ configured: undefined, dataDir });
    const given = await runVerify(env, ['--json', `--key=${key.publicKeyPem}`]);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout)).toMatchObject({ ok: true, checkedEvents: 25 });
  });

  it('lists what was changed and exits 1; another key is a bad signature; bad options exit 2', async () => {
    const store = await open();
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(sql`UPDATE events SET user_name = 'mallory' WHERE id = 3`);
    });
    await store.close();
    const tampered = await runVerify(env);
    expect(tampered.code, tampered.stderr + tampered.stdout).toBe(1);
    expect(tampered.stdout).toMatch(/1 altered/);
    expect(tampered.stdout).toMatch(/altered: event 3 /);

    const stranger = await runVerify(env, [`--key=${generateSigningKey().publicKeyPem}`]);
    expect(stranger.code).toBe(1);
    expect(stranger.stdout).toMatch(/bad-signature/);

    const usage = await runVerify(env, ['--from', 'yesterday']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--from: not a date/);
  });
});
