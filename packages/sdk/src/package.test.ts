// The SDK as it is published: `pnpm pack`, installed offline from the tarball alone into a
// project outside the workspace, type-checked by strict consumers and run by them (ESM and
// CommonJS) against a live server.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

import { build } from 'esbuild';
import * as yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLiveServer, type LiveServer } from './testing/live-server';

const exec = promisify(execFile);
const SDK_DIR = resolve(import.meta.dirname, '..');
const WORKSPACE = resolve(SDK_DIR, '../..');
const CONSUMER_DIR = join(SDK_DIR, 'test/consumer');
const BROWSER_CONSUMER_DIR = join(SDK_DIR, 'test/browser-consumer');
/** The versions the workspace pins (pnpm-workspace.yaml's catalog). */
const CATALOG = readFileSync(join(WORKSPACE, 'pnpm-workspace.yaml'), 'utf8');
const pinned = (name: string) =>
  new RegExp(`^\\s+'?${name}'?: (\\S+)$`, 'm').exec(CATALOG)?.[1] ?? `no ${name} in the catalog`;
const TYPESCRIPT = pinned('typescript');
const TRPC = pinned('@trpc/client');
/** The workspace's own compiler: the consumer project has none installed. */
const TSC = join(WORKSPACE, 'node_modules/typescript/bin/tsc');
/**
 * The budget for the whole unpacked package, LICENSE and README included. Most of it is the
 * declarations (the router spelled out) and the two minified builds, ESM and CommonJS. It
 * grows with the router: 100 kB until the legal holds' three procedures (~1.1 kB of
 * declarations, their shape named once as LegalHold) took it past.
 */
const MAX_UNPACKED_BYTES = 105_000;
/**
 * The offline archive verifier (`@audit/sdk/verify`, `audit-verify`) has a budget of its own
 * beside the client's: its files, and the licences of what it builds in (yauzl, canonicalize).
 */
const VERIFIER_FILES = /^(?:dist\/(?:verify\.|audit-verify\.)|dist\/THIRD-PARTY-LICENSES\.txt$)/;
const MAX_VERIFIER_BYTES = 75_000;
/** What the published files must never name. */
const UNPUBLISHED = [
  '@audit/api',
  '@audit/db',
  '@audit/web',
  '@trpc',
  'drizzle',
  'zod',
  'fastify',
  'postgres',
  'pglite',
];
/** A module specifier in JavaScript or declarations: `from '…'`, `import('…')`, `require('…')`. */
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+|\/\/\/\s*<reference\s+\w+=)['"]([^'"]+)['"]/g;

/** The environment without pnpm's `npm_*` settings: npm there behaves as in any project. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm|pnpm)_/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

async function sh(command: string, args: string[], cwd: string, env = cleanEnv()) {
  try {
    return await exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`,
      { cause: error },
    );
  }
}

/** tsc's report when it fails, '' when it passes. */
async function tscErrors(args: string[], cwd: string): Promise<string> {
  return exec('node', [TSC, ...args], { cwd, env: cleanEnv() }).then(
    () => '',
    (error: unknown) => (error as { stdout: string }).stdout || String(error),
  );
}

/** Every file under `dir`, with its size. */
function filesUnder(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path: relative(dir, path), bytes: statSync(path).size };
    });
}

async function unzip(bytes: Buffer): Promise<Record<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { autoClose: false });
  const files: Record<string, Buffer> = {};
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    files[entry.fileName] = Buffer.concat(chunks);
  }
  zip.close();
  return files;
}

describe('the packed @audit/sdk', () => {
  let scratch: string;
  let tarball: string;
  let unpacked: string;
  let project: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'audit-sdk-pack-'));
    project = join(scratch, 'consumer');
    unpacked = join(scratch, 'unpacked/package');
    // Outside the workspace, so that npm finds no workspace root above it.
    expect(relative(WORKSPACE, project).startsWith('..')).toBe(true);
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('packs the built files, a licence and no dependency, under 105 kB unpacked', async () => {
    // `prepack` builds first, so the tarball always holds the current source; pnpm writes the
    // catalog's versions into the packed package.json, as publishing does.
    await sh('pnpm', ['pack', '--pack-destination', scratch], SDK_DIR, process.env);
    const packed = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    tarball = join(scratch, packed[0]!);

    const { stdout: listing } = await sh('tar', ['-tzf', tarball], scratch);
    expect(listing.trim().split('\n').sort()).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/dist/THIRD-PARTY-LICENSES.txt',
      'package/dist/audit-verify.cjs',
      'package/dist/index.cjs',
      'package/dist/index.d.cts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/verify.cjs',
      'package/dist/verify.d.cts',
      'package/package.json',
    ]);
    mkdirSync(join(scratch, 'unpacked'));
    await sh('tar', ['-xzf', tarball, '-C', join(scratch, 'unpacked')], scratch);

    // npm's own figures for exactly these files (its scripts are the workspace's: not run).
    const { stdout: dryRun } = await sh(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      unpacked,
    );
    const [figures] = JSON.parse(dryRun) as {
      size: number;
      unpackedSize: number;
      entryCount: number;
      files: { path: string; size: number }[];
    }[];
    const size = statSync(tarball).size;
    console.log(
      `@audit/sdk ${packed[0]}: tarball ${size} bytes, unpacked ${figures!.unpackedSize} bytes in ` +
        `${figures!.entryCount} files (${figures!.files.map((f) => `${f.path} ${f.size}`).join(', ')})`,
    );
    expect(figures!.entryCount).toBe(11);
    const files = filesUnder(unpacked);
    expect(figures!.unpackedSize).toBe(files.reduce((sum, file) => sum + file.bytes, 0));
    // The verifier's files, and the lines of package.json that name them (its entry and bin).
    const verifierBytes =
      files
        .filter((file) => VERIFIER_FILES.test(file.path))
        .reduce((sum, file) => sum + file.bytes, 0) +
      readFileSync(join(unpacked, 'package.json'), 'utf8')
        .split('\n')
        .filter((line) => /verify/.test(line))
        .reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    console.log(`client ${figures!.unpackedSize - verifierBytes} bytes, verifier ${verifierBytes}`);
    expect(figures!.unpackedSize - verifierBytes).toBeLessThanOrEqual(MAX_UNPACKED_BYTES);
    expect(verifierBytes).toBeLessThanOrEqual(MAX_VERIFIER_BYTES);
    expect(size).toBeLessThan(64 * 1024);

    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.license).toBe('Apache-2.0');
    for (const field of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
      'bundleDependencies',
      'bundledDependencies',
    ]) {
      expect(manifest[field], field).toBeUndefined();
    }
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.files).toEqual(['dist']);
    expect(manifest.bin).toEqual({ 'audit-verify': './dist/audit-verify.cjs' });
    expect(statSync(join(unpacked, 'dist/audit-verify.cjs')).mode & 0o111).not.toBe(0);
    expect(JSON.stringify(manifest)).not.toMatch(/catalog:|workspace:/);

    const licence = readFileSync(join(unpacked, 'LICENSE'), 'utf8');
    expect(licence).toBe(readFileSync(join(WORKSPACE, 'LICENSE'), 'utf8'));
    expect(licence).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);
    expect(licence).toContain('END OF TERMS AND CONDITIONS');
    // What is built in keeps its own licence: tRPC's MIT notice, once for both packages.
    const notices = readFileSync(join(unpacked, 'dist/THIRD-PARTY-LICENSES.txt'), 'utf8');
    expect(notices).toContain(`@trpc/client@${TRPC} (MIT)\n@trpc/server@${TRPC} (MIT)`);
    expect(notices).toMatch(/^yauzl@[\d.]+ \(MIT\)$/m);
    expect(notices).toMatch(/^canonicalize@[\d.]+ \(Apache-2\.0\)$/m);
    expect(readFileSync(join(unpacked, 'README.md'), 'utf8')).toMatch(/Apache-2\.0/);
  }, 120_000);

  it('holds one declaration file that imports nothing and spells every procedure out', () => {
    const declarations = readFileSync(join(unpacked, 'dist/index.d.cts'), 'utf8');
    expect([...declarations.matchAll(SPECIFIER)].map((m) => m[1])).toEqual([]);
    for (const name of UNPUBLISHED) expect(declarations, `names ${name}`).not.toContain(name);
    // Every procedure is in the file itself, parts that have a public name by that name.
    expect(declarations).toMatch(/\brecord: MutationProcedure<\{\s+events: AuditEventInput\[\];/);
    expect(declarations).toMatch(/\blist: QueryProcedure<\{\s+filter\?: EventFilter \| undefined;/);
    expect(declarations).toMatch(/\bitems: AuditEvent\[\];/);
    expect(declarations).toMatch(/status\??: "success" \| "failure" \| "job_scheduled"/);
    // The ESM entry's types are the same declarations (an ES module may import CommonJS).
    expect(readFileSync(join(unpacked, 'dist/index.d.ts'), 'utf8')).toBe(
      "export * from './index.cjs';\n",
    );
  });

  it('holds JavaScript that imports no package and loads no Node built-in up front', () => {
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(join(unpacked, 'dist', file), 'utf8');
      // Downloads load node:fs and node:stream late, by a name held in a variable, which
      // bundlers are told to leave alone.
      expect(
        [...code.matchAll(SPECIFIER)].map((m) => m[1]),
        file,
      ).toEqual([]);
      expect(code.match(/\bimport\(/g)).toHaveLength(1);
      expect(code).toMatch(
        /\bimport\(\/\* @vite-ignore \*\/ \/\* webpackIgnore: true \*\/ [\w$]+\)/,
      );
      expect(code).toContain('createAuditClient');
      // tRPC's client is in it; its websocket and streaming links are not.
      expect(code).toContain('TRPCClientError');
      expect(code).not.toMatch(/connectionParams|jsonl|EventSource|WebSocket/);
      expect(code.length).toBeLessThan(30_000);
    }
  });

  it('the verifier entry: declarations that import nothing, a command that needs no server', async () => {
    const declarations = readFileSync(join(unpacked, 'dist/verify.d.cts'), 'utf8');
    expect([...declarations.matchAll(SPECIFIER)].map((m) => m[1])).toEqual([]);
    for (const name of UNPUBLISHED) expect(declarations, `names ${name}`).not.toContain(name);
    expect(declarations).toMatch(
      /declare function verifyArchive\(zipPath: string, options: VerifyArchiveOptions\)/,
    );
    // Only Node's built-ins are required, and ./verify.cjs by the command.
    const required = (file: string) =>
      [...readFileSync(join(unpacked, 'dist', file), 'utf8').matchAll(SPECIFIER)].map((m) => m[1]);
    expect(required('verify.cjs').filter((name) => !/^(node:)?[a-z_]+$/.test(name!))).toEqual([]);
    expect(required('audit-verify.cjs').filter((name) => !/^(node:)?[a-z_]+$/.test(name!))).toEqual(
      ['./verify.cjs'],
    );
    const usage = await exec('node', [join(unpacked, 'dist/audit-verify.cjs')]).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/^usage: audit-verify/) });
  });

  it('bundles for a browser without any Node.js module', async () => {
    const result = await build({
      absWorkingDir: unpacked,
      entryPoints: ['dist/index.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(result.metafile.inputs)).toEqual(['dist/index.js']);
    expect(result.outputFiles[0]?.text).toContain('createAuditClient');
  });

  it('installs offline from the tarball alone: one package, nothing under it', async () => {
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'audit-sdk-consumer', private: true, type: 'module' }, null, 2),
    );
    // No registry: an empty cache, offline, and a registry address where nothing listens.
    const npmEnv = cleanEnv({
      npm_config_cache: join(scratch, 'npm-cache'),
      npm_config_registry: 'http://127.0.0.1:9/',
    });
    await sh(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--no-update-notifier', tarball],
      project,
      npmEnv,
    );
    const { stdout: tree } = await sh('npm', ['ls', '--all'], project, npmEnv);
    console.log(`npm ls --all:\n${tree.trim()}`);
    const { stdout: json } = await sh('npm', ['ls', '--all', '--json'], project, npmEnv);
    const listed = JSON.parse(json) as {
      dependencies: Record<string, { version: string; dependencies?: object }>;
    };
    expect(Object.keys(listed.dependencies)).toEqual(['@audit/sdk']);
    expect(listed.dependencies['@audit/sdk']?.version).toBe('0.1.0');
    expect(listed.dependencies['@audit/sdk']?.dependencies).toBeUndefined();

    const installed = filesUnder(join(project, 'node_modules')).filter(
      (file) => file.path !== '.package-lock.json',
    );
    expect(new Set(installed.map((file) => file.path.split('/').slice(0, 2).join('/')))).toEqual(
      new Set(['@audit/sdk']),
    );
    expect(installed.some((file) => /typescript/i.test(file.path))).toBe(false);
    const bytes = installed.reduce((sum, file) => sum + file.bytes, 0);
    console.log(`node_modules: ${installed.length} files, ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(MAX_UNPACKED_BYTES + MAX_VERIFIER_BYTES);
  }, 120_000);

  it('type-checks strict consumers with the workspace tsc: no DOM, no @types, skipLibCheck off', async () => {
    const { stdout: version } = await sh('node', [TSC, '--version'], WORKSPACE);
    expect(version.trim()).toBe(`Version ${TYPESCRIPT}`);
    for (const file of ['consumer.ts', 'consumer.cts', 'tsconfig.json']) {
      copyFileSync(join(CONSUMER_DIR, file), join(project, file));
    }
    const config = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(config.compilerOptions).toMatchObject({
      strict: true,
      skipLibCheck: false,
      lib: ['ES2022'],
      types: [],
    });
    // Compiles (to out/, run below). Unused @ts-expect-error directives are errors
    // themselves: passing proves each marked line errs.
    expect(await tscErrors(['-p', '.'], project)).toBe('');

    // And the errors are where they are meant to be: without the directives, exactly those
    // lines fail, and nothing else does (in the SDK's declarations least of all).
    const expected: string[] = [];
    for (const file of ['consumer.ts', 'consumer.cts']) {
      const source = readFileSync(join(project, file), 'utf8').split('\n');
      source.forEach((line, i) => {
        if (line.trim().startsWith('// @ts-expect-error')) expected.push(`${file}(${i + 2})`);
      });
      writeFileSync(
        join(project, file),
        source
          .map((line) => line.replace('// @ts-expect-error', '// (was expected to fail)'))
          .join('\n'),
      );
    }
    expect(expected.length).toBeGreaterThanOrEqual(14);
    const failed = await tscErrors(['--noEmit', '-p', '.'], project);
    const errorLines = [...failed.matchAll(/^([^(\s]+)\((\d+),\d+\): error/gm)].map(
      (m) => `${m[1]}(${m[2]})`,
    );
    expect([...new Set(errorLines)].sort(), failed).toEqual(expected.sort());
    for (const file of ['consumer.ts', 'consumer.cts']) {
      copyFileSync(join(CONSUMER_DIR, file), join(project, file));
    }

    // A browser project, with the DOM library and a bundler's resolution (the `import` entry):
    // the real fetch, AbortSignal and WritableStream fit the SDK's options.
    const browser = join(project, 'browser');
    mkdirSync(browser);
    for (const file of ['browser.ts', 'tsconfig.json']) {
      copyFileSync(join(BROWSER_CONSUMER_DIR, file), join(browser, file));
    }
    expect(await tscErrors(['-p', '.'], browser)).toBe('');
  }, 120_000);

  describe('run against a live server', () => {
    let live: LiveServer;
    let stopRunner: () => Promise<void>;

    beforeAll(async () => {
      live = await startLiveServer();
      const runner = live.app.runner({ pollMs: 25 });
      runner.start();
      stopRunner = () => runner.stop();
    });
    afterAll(async () => {
      await stopRunner();
      await live.close();
    });

    it('the compiled ESM consumer records, queries, reports a job and exports', async () => {
      const exportPath = join(scratch, 'consumer-export.zip');
      const token = await live.token('consumer-svc');
      const { stdout } = await sh(
        'node',
        [join(project, 'out/consumer.js')],
        project,
        cleanEnv({ AUDIT_URL: live.url, AUDIT_TOKEN: token, EXPORT_PATH: exportPath }),
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<
        string,
        unknown
      >;
      expect(report).toEqual({
        stats: {
          stored: 250,
          duplicates: 0,
          conflicts: 0,
          rejected: 0,
          undelivered: 0,
          retries: 0,
          batches: 3,
        },
        directStored: 1,
        listed: 10,
        total: 25,
        firstStatus: 'failure',
        detailUser: 'bob',
        iterated: 251,
        job: { state: 'success', type: 'consumer', percent: 100 },
        export: {
          rows: 251,
          bytes: statSync(exportPath).size,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          lastState: 'success',
        },
        refused: expect.stringMatching(/^userIp: /),
      });

      const files = await unzip(readFileSync(exportPath));
      const data = files['events.ndjson']!;
      const manifest = JSON.parse(files['manifest.json']!.toString('utf8')) as { sha256: string };
      expect(createHash('sha256').update(data).digest('hex')).toBe(manifest.sha256);
      expect((report.export as { sha256: string }).sha256).toBe(manifest.sha256);
      const rows = data.toString('utf8').trimEnd().split('\n');
      expect(rows).toHaveLength(251);
      expect(
        rows.every((row) => (JSON.parse(row) as { systemId: string }).systemId === 'consumer-svc'),
      ).toBe(true);
    }, 60_000);

    it('the compiled CommonJS consumer, through require(), records an event and lists it', async () => {
      const token = await live.token('consumer-cjs');
      const { stdout } = await sh(
        'node',
        [join(project, 'out/consumer.cjs')],
        project,
        cleanEnv({ AUDIT_URL: live.url, AUDIT_TOKEN: token }),
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        eventId: string;
      };
      expect(report).toEqual({
        stored: 1,
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        listed: [{ eventId: report.eventId, userName: 'dave', action: 'login' }],
        status: 'success',
        maxBatch: 1000,
      });
      // The CommonJS file is what ran: it requires the package's `require` entry.
      expect(readFileSync(join(project, 'out/consumer.cjs'), 'utf8')).toMatch(
        /require\("@audit\/sdk"\)/,
      );
    }, 60_000);
  });
});
