// The SDK as it is published: `pnpm pack`, installed from the tarball alone into a project
// outside the workspace, type-checked and run by a consumer against a live server.
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
/** The versions the workspace pins (pnpm-workspace.yaml's catalog). */
const TYPESCRIPT = '5.9.3';
const TYPES_NODE = '20.19.43';
const TRPC = '11.19.0';
/** What the published declarations must never name. */
const UNPUBLISHED = [
  '@audit/api',
  '@audit/db',
  '@audit/web',
  'drizzle',
  'zod',
  'fastify',
  'postgres',
  'pglite',
];

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
      {
        cause: error,
      },
    );
  }
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
  let project: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'audit-sdk-pack-'));
    project = join(scratch, 'consumer');
    // Outside the workspace, so that npm finds no workspace root above it.
    expect(relative(WORKSPACE, project).startsWith('..')).toBe(true);
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('packs the built files, exact dependencies and one self-contained .d.ts', async () => {
    // `prepack` builds first, so the tarball always holds the current source.
    await sh('pnpm', ['pack', '--pack-destination', scratch], SDK_DIR, process.env);
    const packed = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    tarball = join(scratch, packed[0]!);
    const size = statSync(tarball).size;
    console.log(`@audit/sdk tarball: ${packed[0]} ${size} bytes (${(size / 1024).toFixed(1)} KiB)`);
    expect(size).toBeLessThan(200 * 1024);

    const { stdout: listing } = await sh('tar', ['-tzf', tarball], scratch);
    expect(listing.trim().split('\n').sort()).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/dist/index.cjs',
      'package/dist/index.d.cts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/package.json',
    ]);
    const unpacked = join(scratch, 'unpacked');
    mkdirSync(unpacked);
    await sh('tar', ['-xzf', tarball, '-C', unpacked], scratch);

    const manifest = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8')) as {
      private?: boolean;
      version: string;
      dependencies: Record<string, string>;
      peerDependencies?: Record<string, string>;
      engines: Record<string, string>;
      types: string;
      files: string[];
    };
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.dependencies).toEqual({ '@trpc/client': TRPC, '@trpc/server': TRPC });
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.files).toEqual(['dist']);
    expect(JSON.stringify(manifest)).not.toMatch(/catalog:|workspace:/);

    for (const file of ['index.d.ts', 'index.d.cts']) {
      const declarations = readFileSync(join(unpacked, 'package/dist', file), 'utf8');
      for (const name of UNPUBLISHED)
        expect(declarations, `${file} names ${name}`).not.toContain(name);
      const imports = [...declarations.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map(
        (m) => m[1],
      );
      // No import at all: the router's types and the web types the options name are the SDK's own.
      expect(imports).toEqual([]);
      // Every procedure is spelled out in the file itself.
      expect(declarations).toMatch(/record: MutationProcedure<\{\s+events: AuditEventInput\[\];/);
      expect(declarations).toMatch(/status\?: "success" \| "failure" \| "job_scheduled"/);
    }
    // The main entry loads no Node built-in up front (browsers): downloads import them late.
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(join(unpacked, 'package/dist', file), 'utf8');
      expect(code).not.toMatch(/(?:from|require\()\s*['"](node:)?(fs|stream|path|crypto|http)['"]/);
    }
  });

  it('bundles for a browser without any Node.js module', async () => {
    const result = await build({
      absWorkingDir: SDK_DIR,
      entryPoints: ['dist/index.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('@trpc/client'))).toBe(true);
    expect(inputs.filter((input) => /^node:|(^|\/)node_modules\/@types\//.test(input))).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('createAuditClient');
  });

  it('installs into a project outside the workspace with only its declared dependencies', async () => {
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'audit-sdk-consumer', private: true, type: 'module' }, null, 2),
    );
    await sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        tarball,
        `typescript@${TYPESCRIPT}`,
        `@types/node@${TYPES_NODE}`,
      ],
      project,
    );
    const installed = readdirSync(join(project, 'node_modules'))
      .flatMap((name) =>
        name.startsWith('@')
          ? readdirSync(join(project, 'node_modules', name)).map((scoped) => `${name}/${scoped}`)
          : name.startsWith('.')
            ? []
            : [name],
      )
      .sort();
    // The SDK, its two dependencies, and the consumer's own compiler and Node types.
    expect(installed).toEqual([
      '@audit/sdk',
      '@trpc/client',
      '@trpc/server',
      '@types/node',
      'typescript',
      'undici-types',
    ]);
  }, 120_000);

  it('type-checks the consumer, whose @ts-expect-error lines are each a real error', async () => {
    copyFileSync(join(CONSUMER_DIR, 'consumer.ts'), join(project, 'consumer.ts'));
    copyFileSync(join(CONSUMER_DIR, 'tsconfig.json'), join(project, 'tsconfig.json'));
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    // Unused @ts-expect-error directives are errors themselves: passing proves each line errs.
    await sh('node', [tsc, '--noEmit', '-p', '.'], project);

    // And the errors are where they are meant to be: without the directives, exactly those
    // lines fail.
    const source = readFileSync(join(project, 'consumer.ts'), 'utf8').split('\n');
    const expectedLines = source.flatMap((line, i) =>
      line.trim().startsWith('// @ts-expect-error') ? [i + 2] : [],
    );
    expect(expectedLines.length).toBeGreaterThanOrEqual(10);
    writeFileSync(
      join(project, 'consumer.ts'),
      source
        .map((line) => line.replace('// @ts-expect-error', '// (was expected to fail)'))
        .join('\n'),
    );
    const failed = await exec('node', [tsc, '--noEmit', '-p', '.'], {
      cwd: project,
      env: cleanEnv(),
    }).then(
      () => null,
      (error: unknown) => (error as { stdout: string }).stdout,
    );
    expect(failed).not.toBeNull();
    const errorLines = [...(failed ?? '').matchAll(/^consumer\.ts\((\d+),\d+\): error/gm)].map(
      (m) => Number(m[1]),
    );
    expect([...new Set(errorLines)]).toEqual(expectedLines);
    copyFileSync(join(CONSUMER_DIR, 'consumer.ts'), join(project, 'consumer.ts'));

    // The SDK's own declarations hold up under full checking too (the tRPC runtime it still
    // depends on brings declarations that need the DOM library and `ws`: not ours to judge).
    const strict = await exec('node', [tsc, '--noEmit', '-p', '.', '--skipLibCheck', 'false'], {
      cwd: project,
      env: cleanEnv(),
    }).then(
      () => '',
      (error: unknown) => (error as { stdout: string }).stdout,
    );
    const ours = strict.split('\n').filter((line) => /@audit\/sdk|^consumer\.ts/.test(line));
    expect(ours).toEqual([]);
  }, 60_000);

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

    it('the compiled consumer records, queries, reports a job and exports', async () => {
      const tsc = join(project, 'node_modules/typescript/bin/tsc');
      await sh('node', [tsc, '-p', '.'], project);
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

    it('loads through require() too (the CommonJS build)', async () => {
      const { stdout } = await sh(
        'node',
        [
          '-e',
          `const sdk = require('@audit/sdk');
           const c = sdk.createAuditClient({ url: ${JSON.stringify(live.url)}, token: 'alm_x' });
           console.log(JSON.stringify({ create: typeof sdk.createAuditClient, recorder: typeof c.recorder, max: sdk.MAX_BATCH }));`,
        ],
        project,
      );
      expect(JSON.parse(stdout)).toEqual({ create: 'function', recorder: 'function', max: 1000 });
    });
  });
});
