import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';

/** `pnpm dev`: Vite on 5173, sending API paths to the server `pnpm start` runs on 3000. */
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

/**
 * Modules loaded lazily (so the table does not wait for them) that the first screen shows
 * anyway: index.html modulepreloads their chunks, which then download and compile while the
 * main bundle runs, not after it asks for them.
 */
const FIRST_SCREEN_LAZY = ['src/components/events-histogram.tsx'];

function preloadFirstScreen(modules: readonly string[]): Plugin {
  const ids = modules.map((m) => resolve(import.meta.dirname, m));
  return {
    name: 'audit:preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const files = new Set<string>();
        const add = (fileName: string) => {
          const chunk = bundle[fileName];
          if (files.has(fileName) || chunk?.type !== 'chunk') return;
          files.add(fileName);
          for (const imported of chunk.imports) add(imported);
        };
        for (const id of ids) {
          const chunk = Object.values(bundle).find(
            (c) => c.type === 'chunk' && c.facadeModuleId === id,
          );
          if (!chunk) throw new Error(`preloadFirstScreen: no chunk of its own for ${id}`);
          add(chunk.fileName);
        }
        const tags: HtmlTagDescriptor[] = [...files]
          .filter((file) => !html.includes(`/${file}"`))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head',
          }));
        return { html, tags };
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadFirstScreen(FIRST_SCREEN_LAZY)],
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
