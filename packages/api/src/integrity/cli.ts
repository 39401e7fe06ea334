/**
 * pnpm verify [--from ISO] [--to ISO] [--tenant T] [--key FILE|BASE64] [--json]
 *
 * Verifies the seal chain and the events it seals in the database the environment names
 * (DATABASE_URL, or PGlite under DATA_DIR: stop the server first, PGlite serves one
 * process), with no size limit and in bounded memory. The public key checked against is
 * --key (a PEM file, or the key's 32 bytes in base64) when given: one kept apart from the
 * server is the one to trust; else the server's own (AUDIT_SIGNING_KEY or DATA_DIR's file).
 * Exit code 0: intact; 1: problems found (listed); 2: it could not run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { createDb } from '@audit/db';
import { publicKeyFrom } from '@audit/db/integrity';

import { loadConfig } from '../config';
import { describeReport } from '../jobs/verify-job';
import { loadSigningKey } from './signing-key';
import { UNSEALED_AFTER_MS, verifySeals } from './verify';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = (() => {
  try {
    // `pnpm verify -- --json` hands the script its own `--` first.
    const args = process.argv.slice(2);
    return parseArgs({
      args: args[0] === '--' ? args.slice(1) : args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        tenant: { type: 'string' },
        key: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return fail(`pnpm verify: ${(error as Error).message}`);
  }
})();

function instant(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) fail(`--${name}: not a date and time: "${text}"`);
  return date;
}

const from = instant('from', values.from);
const to = instant('to', values.to);
const config = loadConfig();
const base = process.env.INIT_CWD ?? process.cwd();
const publicKey = values.key
  ? publicKeyFrom(existsSync(values.key) ? readFileSync(values.key, 'utf8') : values.key)
  : (
      await loadSigningKey({
        configured: config.AUDIT_SIGNING_KEY,
        dataDir: resolve(base, config.DATA_DIR),
      })
    ).publicKey;

const store = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await store.migrate();
  const started = performance.now();
  const report = await verifySeals(store.db, publicKey, {
    from,
    to,
    tenant: values.tenant,
    now: new Date(),
    sealingDelayMs: UNSEALED_AFTER_MS,
  });
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    console.log(JSON.stringify({ ...report, seconds }, null, 2));
  } else {
    console.log(`${describeReport(report)} (${seconds.toFixed(1)} s)`);
    if (report.purgedEvents > 0)
      console.log(`${report.purgedEvents} sealed events were purged, with receipts`);
    for (const problem of report.problems) console.log(`  ${problem.kind}: ${problem.detail}`);
  }
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await store.close();
}
