import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** `pnpm dev`: Vite on 5173, sending API paths to the server `pnpm start` runs on 3000. */
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
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
