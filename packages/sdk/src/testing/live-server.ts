import { buildServer } from '@audit/api';
import { createTestApp, type TestApp } from '@audit/api/testing';

export interface LiveServer {
  app: TestApp;
  http: Awaited<ReturnType<typeof buildServer>>;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A token with both scopes, for a service that records, reads and exports. */
  token(systemId?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real API over HTTP on an ephemeral loopback port, on a fresh database (PGlite, or
 * PostgreSQL when DATABASE_URL is set). Its clock is the app's: `app.setNow()` moves it.
 */
export async function startLiveServer(): Promise<LiveServer> {
  const app = await createTestApp();
  const http = await buildServer({
    config: { LOG_LEVEL: 'silent' },
    store: app.store,
    archiveDir: app.archiveDir,
    clock: app.deps.clock,
    sleep: () => Promise.resolve(),
  });
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    http,
    url,
    token: async (systemId = 'sdk-tests') =>
      (await app.token(['ingest', 'read'], { systemId })).secret,
    close: async () => {
      await http.close();
      await app.close();
    },
  };
}
