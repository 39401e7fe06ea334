// Builds the published files: dist/index.js (ESM), dist/index.cjs (CommonJS), and one
// self-contained declaration file, dist/index.d.ts (and its CommonJS twin, index.d.cts).
import console from 'node:console';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const dir = `${import.meta.dirname}/`;
const pkg = JSON.parse(await readFile(`${dir}package.json`, 'utf8'));
const published = new Set(Object.keys(pkg.dependencies ?? {}));

await rm(`${dir}dist`, { recursive: true, force: true });

// JavaScript: the SDK's own code, its dependencies left as imports. `neutral` keeps Node's
// built-ins out: the few that file downloads need are loaded on demand.
for (const [format, file] of [
  ['esm', 'index.js'],
  ['cjs', 'index.cjs'],
]) {
  await build({
    entryPoints: [`${dir}src/index.ts`],
    outfile: `${dir}dist/${file}`,
    bundle: true,
    format,
    platform: 'neutral',
    target: 'es2022',
    // Published dependencies and Node's built-ins stay imports; the workspace's browser-safe
    // constants (@audit/db/values) are built in.
    external: [...published, 'node:*'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// Types: every declaration the entry reaches, in one file. Bare imports stay imports, and
// must name published dependencies only: the router's types are spelled out in
// src/router.ts's declaration, so no server package is referenced.
const bundle = await rollup({
  input: `${dir}src/index.ts`,
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  plugins: [
    dts({
      tsconfig: `${dir}tsconfig.json`,
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true },
    }),
  ],
  onwarn(warning, warn) {
    throw new Error(`declaration bundle: ${warning.message}`, { cause: warn });
  },
});
await bundle.write({ file: `${dir}dist/index.d.ts`, format: 'es' });
await bundle.close();
await copyFile(`${dir}dist/index.d.ts`, `${dir}dist/index.d.cts`);

const declarations = await readFile(`${dir}dist/index.d.ts`, 'utf8');
const imported = new Set(
  [...declarations.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].map((m) =>
    m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0],
  ),
);
const stray = [...imported].filter((name) => !published.has(name));
if (stray.length > 0) {
  throw new Error(`dist/index.d.ts imports ${stray.join(', ')}: only dependencies may be imported`);
}
console.log(
  `@audit/sdk built: dist/index.js, index.cjs, index.d.ts (${(declarations.length / 1024).toFixed(1)} KiB, imports ${[...imported].join(', ')})`,
);
