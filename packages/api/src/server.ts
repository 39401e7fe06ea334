import helmet from '@fastify/helmet';
import type { AuditDb } from '@audit/db';
import Fastify, { type FastifyInstance } from 'fastify';

import type { Config } from './config';

export interface ServerDeps {
  config: Pick<Config, 'LOG_LEVEL'>;
  store: AuditDb;
}

/** The HTTP server, not yet listening (tests use `inject` or listen on port 0). */
export async function buildServer({ config, store }: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL },
    requestIdHeader: 'x-request-id',
    disableRequestLogging: false,
  });
  await app.register(helmet);

  app.get('/healthz', async () => {
    await store.db.execute('SELECT 1');
    return { ok: true, database: store.driver };
  });

  return app;
}
