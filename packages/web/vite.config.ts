import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

import { writeBuildInputs } from '../../tooling/build-inputs.mjs';

/** `pnpm dev`: Vite on 5173, sending API paths to the server `pnpm start` runs on 3000. */
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

/** Where a build records what it read, for scripts/ensure-built.mjs (outside dist: not served). */
const BUILD_INPUTS = `${import.meta.dirname}/node_modules/.cache/build-inputs.json`;

/**
 * Records every file the build read: the whole module graph (the SPA's sources, the workspace
 * packages it imports such as @audit/db/fields, node_modules), plus the build's configuration.
 */
function recordBuildInputs(): Plugin {
  let startedAt = 0;
  return {
    name: 'record-build-inputs',
    apply: 'build',
    buildStart() {
      startedAt = Date.now();
      // A build that fails leaves no record, so the next start tries again.
      rmSync(BUILD_INPUTS, { force: true });
    },
    // Only once the files are written.
    writeBundle() {
      const modules = [...this.getModuleIds()]
        .map((id) => id.split('?')[0] ?? id)
        .filter((id) => isAbsolute(id) && existsSync(id));
      mkdirSync(dirname(BUILD_INPUTS), { recursive: true });
      writeBuildInputs(BUILD_INPUTS, {
        startedAt,
        base: import.meta.dirname,
        inputs: [
          ...modules,
          'index.html',
          'vite.config.ts',
          'package.json',
          'tsconfig.json',
          '../../tooling/build-inputs.mjs',
        ],
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), recordBuildInputs()],
  server: {
    port: 5173,
    proxy: {
      '/trpc': api,
      // Downloads only: `/archives` itself is the app's page.
      '^/archives/': api,
      '/healthz': api,
    },
  },
  build: {
    chunkSizeWarningLimit: 2000,
  },
});
