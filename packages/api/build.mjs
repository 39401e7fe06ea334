// The production server: dist/main.mjs, run with plain node (`pnpm start`, systemd, …), no tsx.
// Workspace packages (@audit/db's sources) are bundled in; npm packages stay imports, resolved
// from this package's node_modules at run time: PGlite loads its .wasm and .data files beside
// its own module, and pino starts transports (pino-pretty) by package name in a worker thread,
// so neither survives bundling, and node_modules is needed anyway. The migrations are copied
// to dist/migrations, where the bundle looks for them.
//
// Every file is replaced whole (written aside, then renamed), and nothing is deleted first: a
// server starting, or a second build running, meanwhile never finds dist/ empty or half written.
//
// `node build.mjs --if-stale` builds only when a file the last build read has changed since.
import console from 'node:console';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';

import { build } from 'esbuild';

import { staleReason, writeBuildInputs } from '../../tooling/build-inputs.mjs';

const dir = import.meta.dirname;
const dist = join(dir, 'dist');
const record = join(dist, 'build-inputs.json');
const outfile = join(dist, 'main.mjs');
const migrations = join(dir, '../db/migrations');

if (process.argv.includes('--if-stale')) {
  const reason = staleReason(record, [outfile, join(dist, 'migrations/meta/_journal.json')]);
  if (!reason) process.exit(0);
  console.log(`Building the server (packages/api/dist): ${reason}`);
}

function replaceFile(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, contents);
  renameSync(aside, path);
}

const startedAt = Date.now();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const npmPackages = Object.entries(pkg.dependencies ?? {})
  .filter(([, version]) => !version.startsWith('workspace:'))
  .map(([name]) => name);

const { metafile, outputFiles } = await build({
  absWorkingDir: dir,
  entryPoints: ['src/main.ts'],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  // A package's subpaths (drizzle-orm/pg-core, …) stay imports too.
  external: npmPackages,
  define: { AUDIT_BUNDLED_MIGRATIONS: JSON.stringify('./migrations/') },
  metafile: true,
  logLevel: 'warning',
});

// Whatever came from node_modules was imported by a workspace package without being one of
// this package's dependencies: at run time the bundle could not resolve it from here.
const strays = new Set(
  Object.keys(metafile.inputs)
    .map((input) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
    .filter(Boolean),
);
if (strays.size > 0) {
  throw new Error(
    `bundled from node_modules: ${[...strays].join(', ')}; add them to @audit/api's dependencies`,
  );
}

// What drizzle's migrator reads: the journal and the SQL files (not drizzle-kit's snapshots).
const sqlFiles = readdirSync(migrations).filter((name) => name.endsWith('.sql'));
for (const name of [...sqlFiles, 'meta/_journal.json']) {
  replaceFile(join(dist, 'migrations', name), readFileSync(join(migrations, name)));
}
for (const name of readdirSync(join(dist, 'migrations'))) {
  if (name.endsWith('.sql') && !sqlFiles.includes(name)) rmSync(join(dist, 'migrations', name));
}
// The bundle last but the record: it reads the migrations it finds beside it.
for (const { path, contents } of outputFiles) replaceFile(path, contents);

writeBuildInputs(record, {
  startedAt,
  base: dir,
  inputs: [
    ...Object.keys(metafile.inputs),
    ...sqlFiles.map((name) => join(migrations, name)),
    join(migrations, 'meta/_journal.json'),
    'build.mjs',
    'package.json',
    'tsconfig.json',
    '../db/package.json',
    '../../tooling/build-inputs.mjs',
  ],
});
const kib = (file) => (statSync(file).size / 1024).toFixed(0);
console.log(
  `@audit/api built: dist/main.mjs (${kib(outfile)} KiB, map ${kib(`${outfile}.map`)} KiB), ` +
    `dist/migrations (${sqlFiles.length} files) in ${Date.now() - startedAt} ms`,
);
