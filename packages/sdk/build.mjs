// Builds the published files. The package has no dependencies: what it runs of tRPC is built in.
//   dist/index.js, index.cjs   the SDK (ESM, CommonJS), with the part of @trpc/client it uses
//   dist/index.d.cts           every declaration, in one file that imports nothing
//   dist/index.d.ts            the ESM entry's types: `export * from './index.cjs'`
//   dist/THIRD-PARTY-LICENSES.txt   the licences of the code built in
// and copies the repository's LICENSE beside package.json, where `npm pack` takes it.
import console from 'node:console';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import process from 'node:process';

import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const dir = import.meta.dirname;
const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
if (pkg.dependencies || pkg.peerDependencies || pkg.optionalDependencies) {
  throw new Error('@audit/sdk is published without dependencies: build what it needs in instead');
}

await rm(join(dir, 'dist'), { recursive: true, force: true });
await copyFile(join(dir, '../../LICENSE'), join(dir, 'LICENSE'));

// tRPC ships its TypeScript sources beside its bundles. Built from those, the SDK takes only
// the modules it reaches (the client, httpLink, TRPCClientError and the observable they use),
// not whole chunks with websocket and streaming links in them. Nothing in them runs on import.
const require = createRequire(join(dir, 'package.json'));
const trpcDirs = {
  client: dirname(require.resolve('@trpc/client/package.json')),
};
trpcDirs.server = dirname(
  createRequire(join(trpcDirs.client, 'package.json')).resolve('@trpc/server/package.json'),
);
const trpcFromSource = {
  name: 'trpc-from-source',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^@trpc\/(client|server)(\/.*)?$/ }, ({ path }) => {
      const [, name, subpath = ''] = /^@trpc\/(client|server)(\/.*)?$/.exec(path) ?? [];
      const base = join(trpcDirs[name], 'src', subpath);
      const file = [`${base}.ts`, join(base, 'index.ts')].find((candidate) =>
        existsSync(candidate),
      );
      if (!file) return { errors: [{ text: `no TypeScript source for ${path}` }] };
      return { path: file, sideEffects: false };
    });
  },
};

// JavaScript, minified (the package stays under 100 kB): the exports keep their names, and
// each error class says its own in `error.name`. `neutral` keeps Node's built-ins out: the
// few that file downloads need are loaded on demand.
const bundled = new Map();
for (const [format, file] of [
  ['esm', 'index.js'],
  ['cjs', 'index.cjs'],
]) {
  const result = await build({
    entryPoints: [join(dir, 'src/index.ts')],
    outfile: join(dir, 'dist', file),
    bundle: true,
    format,
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    plugins: [trpcFromSource],
    minify: true,
    legalComments: 'none',
    banner: {
      js: `/*! ${pkg.name} ${pkg.version} | Apache-2.0 | built in: see THIRD-PARTY-LICENSES.txt */`,
    },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue; // the SDK's own sources, and the workspace's (@audit/db/values)
    const name = /^(?:@[^/]+\/)?[^/]+/.exec(input.slice(at + 'node_modules/'.length))?.[0] ?? '';
    bundled.set(name, input.slice(0, at + 'node_modules/'.length + name.length));
  }
  // Minifying drops comments, among them the two that tell bundlers to leave alone the
  // on-demand import of Node's built-ins (download.ts): put them back.
  const dynamicImport = /\bimport\(([\w$]+)\)/g;
  const minified = result.outputFiles[0].text;
  if (minified.match(dynamicImport)?.length !== 1) {
    throw new Error(`dist/${file}: expected one import(name), download.ts's`);
  }
  const code = minified.replace(
    dynamicImport,
    'import(/* @vite-ignore */ /* webpackIgnore: true */ $1)',
  );
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'dist', file), code);
  const imports = [...code.matchAll(/(?:\bfrom|\bimport|\brequire\()\s*\(?\s*["']([^"']+)["']/g)];
  if (imports.length > 0) {
    throw new Error(`dist/${file} imports ${imports.map((m) => m[1]).join(', ')}`);
  }
}

// The offline archive verifier (`@audit/sdk/verify`, Node.js only) and its command
// (`audit-verify`): a second entry, so that the client above stays as small as it is. It
// builds in the canonical form and Merkle code of @audit/db/integrity (from source) and yauzl.
//   dist/verify.cjs          the verifier, CommonJS (an ES module imports its named exports too)
//   dist/audit-verify.cjs    the command, which requires ./verify.cjs
{
  const verify = await build({
    entryPoints: [join(dir, 'src/verify/index.ts')],
    outfile: join(dir, 'dist/verify.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: {
      js: `/*! ${pkg.name} ${pkg.version} | Apache-2.0 | built in: see THIRD-PARTY-LICENSES.txt */`,
    },
    metafile: true,
    logLevel: 'warning',
  });
  for (const input of Object.keys(verify.metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const name = /^(?:@[^/]+\/)?[^/]+/.exec(input.slice(at + 'node_modules/'.length))?.[0] ?? '';
    bundled.set(name, input.slice(0, at + 'node_modules/'.length + name.length));
  }
  await build({
    entryPoints: [join(dir, 'src/verify/bin.ts')],
    outfile: join(dir, 'dist/audit-verify.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: {
      js: `#!/usr/bin/env node\n/*! ${pkg.name} ${pkg.version} audit-verify | Apache-2.0 */`,
    },
    plugins: [
      {
        name: 'verifier-beside',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^\.\/index$/ }, () => ({
            path: './verify.cjs',
            external: true,
          }));
        },
      },
    ],
    logLevel: 'warning',
  });
  await chmod(join(dir, 'dist/audit-verify.cjs'), 0o755);
  const verifyTypes = await rollup({
    input: join(dir, 'src/verify/index.ts'),
    external: (id) => !id.startsWith('.') && !isAbsolute(id),
    plugins: [
      dts({
        tsconfig: join(dir, 'tsconfig.json'),
        compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true },
      }),
    ],
    onwarn(warning, warn) {
      throw new Error(`verify declarations: ${warning.message}`, { cause: warn });
    },
  });
  const verifyDts = (await verifyTypes.generate({ format: 'es' })).output[0].code;
  await verifyTypes.close();
  if (/\bfrom\s*['"]|\bimport\s*\(|\/\/\/\s*<reference/.test(verifyDts)) {
    throw new Error('dist/verify.d.cts must import nothing');
  }
  await writeFile(join(dir, 'dist/verify.d.cts'), verifyDts);
}

// The licences of what was built in, each package's own LICENSE as it ships it (one copy of a
// text that several share: tRPC's client and server have the same).
const licences = new Map();
for (const [name, prefix] of [...bundled].sort()) {
  const root = isAbsolute(prefix) ? prefix : join(process.cwd(), prefix);
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE']
    .map((candidate) => join(root, candidate))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`${name} is built into the SDK but ships no LICENSE`);
  const text = (await readFile(file, 'utf8')).trim();
  licences.set(text, [
    ...(licences.get(text) ?? []),
    `${name}@${manifest.version} (${manifest.license})`,
  ]);
}
if (licences.size === 0) throw new Error('expected tRPC to be built in');
await writeFile(
  join(dir, 'dist/THIRD-PARTY-LICENSES.txt'),
  `${pkg.name} (Apache-2.0, see LICENSE) has this code built into dist/index.js and dist/index.cjs (tRPC) and dist/verify.cjs (the rest):\n\n` +
    [...licences]
      .map(([text, names]) => `${names.join('\n')}\n\n${text}\n`)
      .join(`\n${'-'.repeat(72)}\n\n`),
);

// Types: every declaration the entry reaches, in one file. The router's types are spelled out
// in src/router.ts's declarations and the web types it names are the SDK's own (platform.ts),
// so the file imports nothing: no server package, no tRPC, no lib.dom, no @types/node.
const bundle = await rollup({
  input: join(dir, 'src/index.ts'),
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  plugins: [
    dts({
      tsconfig: join(dir, 'tsconfig.json'),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true },
    }),
  ],
  onwarn(warning, warn) {
    throw new Error(`declaration bundle: ${warning.message}`, { cause: warn });
  },
});
const { output } = await bundle.generate({ format: 'es' });
await bundle.close();
// A tab a level instead of four spaces: the same file, a tenth smaller (two spaces saved less).
const declarations = output[0].code.replace(/^(?: {4})+/gm, (indent) =>
  '\t'.repeat(indent.length / 4),
);
const references = [
  ...declarations.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\/\/\/\s*<reference\s+\w+=)['"]([^'"]+)['"]/g,
  ),
].map((m) => m[1]);
if (references.length > 0) {
  throw new Error(`dist/index.d.cts refers to ${references.join(', ')}: it must import nothing`);
}
await writeFile(join(dir, 'dist/index.d.cts'), declarations);
// One copy of the declarations: the ESM entry's types re-export the CommonJS ones, as an ES
// module may import a CommonJS one (the reverse needs TypeScript 5.8 and `require(esm)`).
await writeFile(join(dir, 'dist/index.d.ts'), "export * from './index.cjs';\n");

const sizes = await Promise.all(
  ['index.js', 'index.cjs', 'index.d.cts', 'verify.cjs', 'audit-verify.cjs'].map(
    async (file) =>
      `${file} ${((await readFile(join(dir, 'dist', file))).length / 1024).toFixed(1)} KiB`,
  ),
);
console.log(
  `${pkg.name} built: ${sizes.join(', ')}; built in: ${[...bundled.keys()].join(', ')} (${relative(dir, join(dir, 'dist/THIRD-PARTY-LICENSES.txt'))})`,
);
