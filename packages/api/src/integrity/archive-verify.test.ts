// Archives verify offline: real export and purge jobs write seals.ndjson, and the SDK's
// verifyArchive (and its audit-verify command) check every row against the signed
// checkpoints with the public key alone.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { rawPublicKey } from '@audit/db/integrity';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyArchive } from '../../../sdk/src/verify/index';
import { createTestApp, type TestApp } from '../testing/harness';
import { JUNOS_SPACE_SAMPLES, SDN_SAMPLES } from '../testing/seed-samples';

const SDK_DIR = resolve(import.meta.dirname, '../../../sdk');
const WORKSPACE = resolve(SDK_DIR, '../..');
/** The CLI is run from its TypeScript source, through tsx (the built one is the SDK's package test's). */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { autoClose: false });
  const files = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  zip.close();
  return files;
}

async function writeZip(path: string, files: Map<string, Buffer>): Promise<void> {
  const zip = new ZipFile();
  for (const [name, bytes] of files) zip.addBuffer(bytes, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
}

/** A copy of the archive with `edit` applied to its data file's text. */
async function edited(path: string, edit: (text: string) => string): Promise<string> {
  const files = await readZip(path);
  const name = [...files.keys()].find((n) => n.startsWith('events.'))!;
  const before = files.get(name)!.toString('utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  files.set(name, Buffer.from(after, 'utf8'));
  const out = `${path}.edited.zip`;
  await writeZip(out, files);
  return out;
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', TSX, join(SDK_DIR, 'src/verify/bin.ts'), ...args],
      { cwd: WORKSPACE },
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('archives verify offline', () => {
  let app: TestApp;
  let key: string;
  let total: number;

  beforeAll(async () => {
    app = await createTestApp();
    key = app.deps.signingKey.publicKeyPem;
    const ingest = (await app.token(['ingest'])).caller;
    await ingest.auditLogs.record({ events: JUNOS_SPACE_SAMPLES });
    await app.seal();
    // Sealed by the export job itself: cells a spreadsheet would read as formulas, an empty
    // description, an address, JSON documents.
    await ingest.auditLogs.record({
      events: [
        ...SDN_SAMPLES,
        // Many in the same checkpoint, so that a handful of them is best proven by proofs.
        ...Array.from({ length: 300 }, (_, i) => ({
          userName: `filler-${i}`,
          taskName: 'tenant.create',
          status: 'success' as const,
        })),
        ...['=HYPERLINK("http://evil")', '+1+1', "'=quoted", '', 'line\nbreak, "q"'].map(
          (description, i) => ({
            userName: 'nasty',
            taskName: 'Login',
            status: 'failure' as const,
            occurredAt: `2026-01-0${i + 1}T10:00:00.000Z`,
            userIp: i % 2 ? '10.1.2.3' : '2001:db8::1',
            description,
            metadata: { n: i, nested: { list: [1.5, 'x', null] } },
          }),
        ),
      ],
    });
    total = (await app.admin.auditLogs.list({ limit: 2000 })).items.length;
  });
  afterAll(async () => {
    await app.close();
  });

  async function exported(
    format: 'csv' | 'json' | 'ndjson',
    filter: Record<string, unknown> = {},
  ): Promise<string> {
    const job = await app.admin.exports.create({ filter, format, timeZone: 'Asia/Tokyo' });
    await app.runJobs();
    expect((await app.admin.jobs.byId({ id: job.id })).state).toBe('success');
    const name = readdirSync(app.archiveDir).find(
      (n) => n.startsWith(`audit-export-${job.id}-`) && n.endsWith('.zip'),
    );
    expect(name).toBeDefined();
    return join(app.archiveDir, name!);
  }

  for (const format of ['csv', 'json', 'ndjson'] as const) {
    it(`a ${format} export verifies with the server's key; one edited cell is reported altered`, async () => {
      const path = await exported(format);
      const files = await readZip(path);
      expect([...files.keys()]).toEqual([`events.${format}`, 'seals.ndjson', 'manifest.json']);
      const seals = files.get('seals.ndjson')!.toString('utf8').trimEnd().split('\n');
      expect(JSON.parse(seals[0]!)).toMatchObject({
        type: 'header',
        format: 1,
        keyId: app.deps.signingKey.keyId,
      });

      const report = await verifyArchive(path, { publicKey: key });
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, unsealedRows: 0 });
      expect(report.rows).toBeGreaterThanOrEqual(total);
      expect(report.verifiedRows).toBe(report.rows);
      // Raw base64 works as well as PEM.
      expect(
        (await verifyArchive(path, { publicKey: rawPublicKey(app.deps.signingKey.publicKey) })).ok,
      ).toBe(true);

      const bad = await edited(path, (text) =>
        text.replace(/Security Administrator|super|john\.doe/, 'someone else'),
      );
      const after = await verifyArchive(bad, { publicKey: key });
      expect(after.ok).toBe(false);
      expect(after.problems.map((p) => p.kind)).toEqual(['altered']);
      const altered = after.problems[0]!;
      const dataText = files.get(`events.${format}`)!.toString('utf8');
      const lineOfRow = dataText
        .split('\n')
        .findIndex((line) => /Security Administrator|super|john\.doe/.test(line));
      // The row named is the one edited (CSV and JSON have a first line before the rows).
      expect(altered.row).toBe(format === 'ndjson' ? lineOfRow + 1 : lineOfRow);
      expect(altered.id).toMatch(/^\d+$/);
      expect(after.verifiedRows).toBe(report.rows - 1);
    });
  }

  it('a wrong key reports bad signatures and verifies nothing', async () => {
    const path = await exported('ndjson');
    const other = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const report = await verifyArchive(path, { publicKey: other });
    expect(report.ok).toBe(false);
    expect(report.verifiedRows).toBe(0);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(new Set(report.problems.map((p) => p.kind))).toEqual(new Set(['bad-signature']));
  });

  it('a few rows of a checkpoint carry inclusion proofs, not its leaves, and verify', async () => {
    const path = await exported('csv', { userName: ['nasty'] });
    const seals = (await readZip(path)).get('seals.ndjson')!.toString('utf8');
    const lines = seals
      .trimEnd()
      .split('\n')
      .slice(2)
      .map((l) => JSON.parse(l) as object);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => 'proofs' in l && !('leaves' in l))).toBe(true);
    const report = await verifyArchive(path, { publicKey: key });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, rows: 5, verifiedRows: 5 });

    const bad = await edited(path, (text) => text.replace('+1+1', '+1+2'));
    expect((await verifyArchive(bad, { publicKey: key })).problems).toMatchObject([
      { kind: 'altered', row: expect.any(Number) },
    ]);
    // A row added to the archive is in no seal.
    const added = await edited(path, (text) => {
      const rows = text.trimEnd().split('\n');
      return `${text}${rows[1]!.replace(/^\d+,/, '999999,')}\n`;
    });
    expect((await verifyArchive(added, { publicKey: key })).problems).toMatchObject([
      { kind: 'not-in-seal', id: '999999' },
    ]);
  });

  it('a purge archive verifies too', async () => {
    const job = await app.admin.purge.create({
      before: '2026-01-03T00:00:00.000Z',
      archive: true,
      format: 'csv',
    });
    await app.runJobs();
    expect((await app.admin.jobs.byId({ id: job.id })).state).toBe('success');
    const name = readdirSync(app.archiveDir).find((n) => n.startsWith(`audit-purge-${job.id}-`));
    const report = await verifyArchive(join(app.archiveDir, name!), { publicKey: key });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.verifiedRows).toBeGreaterThan(0);
    expect(report.verifiedRows).toBe(report.rows);
  });

  it('the audit-verify command: 0 when verified, 1 on problems, 2 on a usage error', async () => {
    const path = await exported('json');
    const keyFile = join(app.archiveDir, 'public.pem');
    writeFileSync(keyFile, key);
    const ok = await runCli([path, '--key', keyFile]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: OK\n {2}rows \d+, verified \d+, unsealed 0/);

    const bad = await edited(path, (text) =>
      text.replace('"userName":"admin"', '"userName":"admim"'),
    );
    const failed = await runCli([bad, '--key', rawPublicKey(app.deps.signingKey.publicKey)]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/PROBLEMS[\s\S]*altered: row \d+ \(event \d+\)/);

    expect((await runCli([path])).code).toBe(2);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
  }, 60_000);
});
