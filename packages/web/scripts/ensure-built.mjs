// `pnpm start` runs this first: build the SPA when dist/ is missing, or when any file the last
// build read has changed since (its sources, the workspace packages it imports such as
// @audit/db/fields, its dependencies, its configuration: vite.config.ts records them), so a
// fresh clone serves the app without a separate build step and an edit is never served stale.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { staleReason } from '../../../tooling/build-inputs.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const reason = staleReason(join(root, 'node_modules/.cache/build-inputs.json'), [
  join(root, 'dist/index.html'),
]);
if (reason) {
  process.stdout.write(`Building the web app (packages/web/dist): ${reason}\n`);
  execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}
