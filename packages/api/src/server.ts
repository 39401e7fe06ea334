import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { pendingMigrations, type AuditDb } from '@audit/db';
import { MAX_TRPC_BATCH } from '@audit/db/values';
import { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

import { sha256Hex } from './auth/secrets';
import { DEFAULT_RATE_LIMIT, type Config } from './config';
import { isDatabaseUnavailable } from './data/db-errors';
import { UnavailableError } from './data/errors';
import { EVENTS_READ_BUDGET } from './data/event-counts';
import { createMetrics, type Metrics } from './metrics';
import { appRouter, type AppRouter } from './root';
import { serveArchiveDownload } from './http/archive-download';
import { serveOpenApi } from './http/openapi';
import {
  credentialsOf,
  problem,
  sendProblem,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  type SurfaceDeps,
} from './http/surface';
import { SURFACES, SURFACE_PREFIXES } from './http/surfaces';
import { generateSigningKey, type SigningKey } from './integrity/signing-key';
import { createContext, SESSION_COOKIE, type AppDeps } from './trpc';

export interface ServerOptions {
  config: Pick<Config, 'LOG_LEVEL'> & Partial<Pick<Config, 'RATE_LIMIT'>>;
  store: AuditDb;
  /** Where archives are; downloads are served from here. */
  archiveDir: string;
  /** Tests replace the clock and the sign-in slow-down. */
  clock?: AppDeps['clock'];
  sleep?: AppDeps['sleep'];
  /** Default EVENTS_READ_BUDGET; tests lower it to reach approximate answers with few events. */
  eventsReadBudget?: number;
  /** The built SPA (packages/web/dist), served for every path the API does not answer. */
  webDir?: string;
  /** Counters /metrics shows; the process's job runner adds to the same (main.ts). */
  metrics?: Metrics;
  /**
   * The key the seal chain is signed with (main.ts loads the configured one and gives the
   * same to the sealer). Default: one made for this process alone, for tests.
   */
  signingKey?: SigningKey;
}

export { UNAVAILABLE_RETRY_AFTER_SECONDS };

/** Largest request body: a batch of 1 000 events with room for their details. */
const BODY_LIMIT = 16 * 1024 * 1024;

/** The HTTP server, not yet listening (tests use `inject` or listen on port 0). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store } = options;
  const app = Fastify({
    logger: {
      level: options.config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // JSON lines for collectors; lines a person reads when the output is a terminal.
      ...(process.stdout.isTTY
        ? {
            transport: {
              target: 'pino-pretty',
              options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
            },
          }
        : {}),
    },
    requestIdHeader: 'x-request-id',
    // On close, idle keep-alive connections go at once; busy ones when their answer is sent.
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT,
    // tRPC batches put procedure paths in the URL.
    routerOptions: { maxParamLength: 5000 },
  });
  await app.register(helmet);
  await app.register(cookie);
  const rateLimit = options.config.RATE_LIMIT ?? DEFAULT_RATE_LIMIT;
  if (rateLimit > 0) {
    await app.register(fastifyRateLimit, {
      max: rateLimit,
      timeWindow: 60_000,
      // Per caller: its token or session (hashed: no secret kept), else its address.
      keyGenerator: rateLimitKey,
      // The SPA's files and the health checks are not the API.
      allowList: (req) => !isApiPath(req.url),
      errorResponseBuilder: (_req, context) => ({
        statusCode: context.statusCode,
        error: {
          message: `too many requests: at most ${context.max} a minute; try again in ${context.after}`,
          code: 'TOO_MANY_REQUESTS',
        },
      }),
    });
  }

  const metrics = options.metrics ?? createMetrics();
  const deps: AppDeps = {
    metrics,
    store,
    clock: options.clock ?? (() => new Date()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    eventsReadBudget: options.eventsReadBudget ?? EVENTS_READ_BUDGET,
    signingKey: options.signingKey ?? generateSigningKey(),
  };

  // A browser sends Origin with every POST (and PUT, PATCH, DELETE); a cookie-authenticated call from another site's
  // page is refused (SameSite=strict and the JSON content type already keep it from working;
  // this says so plainly). A call without Origin is no browser's, and a token is no cookie.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.headers.authorization !== undefined) {
      return;
    }
    if (!req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return;
    const origin = req.headers.origin;
    if (origin === undefined || originHost(origin) === req.headers.host) return;
    return reply.code(403).send({
      error: {
        message: `Origin ${origin} may not act with this site's session`,
        code: 'FORBIDDEN',
      },
    });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      // One request may batch this many calls (the SPA's and the SDK's links batch fewer):
      // unbounded, one GET could ask for hundreds of pages at once.
      maxBatchSize: MAX_TRPC_BATCH,
      createContext: ({ req, res }) => createContext(deps, credentialsOf(req, res)),
      onError: ({ error, path, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        } else if (error.code === 'SERVICE_UNAVAILABLE') {
          req.log.warn({ path, reason: reasonOf(error) }, 'database unavailable');
        }
      },
      // Clients (the SDK among them) wait this long before trying again.
      responseMeta: ({ errors }) =>
        errors.some((error) => error.code === 'SERVICE_UNAVAILABLE')
          ? { headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } }
          : {},
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  // The plain routes (archive download, health): a database out of reach is a 503 there too.
  // Anything else goes on to Fastify's own handler (a 500, logged).
  // On the REST surfaces every error is a problem (RFC 9457): Fastify's own (a body too
  // large or not JSON) too.
  app.setErrorHandler((error, req, reply) => {
    const unavailable =
      (error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE') ||
      isDatabaseUnavailable(error);
    const surfaceRoute = SURFACE_PREFIXES.some((prefix) => req.url.startsWith(prefix));
    if (unavailable) {
      req.log.warn({ reason: reasonOf(error) }, 'database unavailable');
      const detail = new UnavailableError().message;
      if (surfaceRoute) return sendProblem(reply, problem(503, detail));
      return reply
        .code(503)
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
        .send({ error: detail });
    }
    const status = statusOf(error);
    if (surfaceRoute && status !== null && status >= 400 && status < 500) {
      return sendProblem(reply, problem(status, (error as Error).message));
    }
    throw error;
  });

  const surface: SurfaceDeps = { deps, archiveDir: options.archiveDir };
  serveArchiveDownload(app, '/archives/:id/download', surface, 'legacy');

  app.get('/healthz', async () => {
    await store.db.execute('SELECT 1');
    return { ok: true, database: store.driver };
  });

  app.addHook('onResponse', async (req, reply) => {
    const seconds = reply.elapsedTime / 1000;
    for (const procedure of procedureLabels(req)) {
      metrics.requests.inc({ procedure, status: String(reply.statusCode) });
      metrics.requestSeconds.observe({ procedure }, seconds);
    }
  });

  // For Prometheus to scrape: counts and timings, nothing of any event's content.
  app.get('/metrics', async (_req, reply) =>
    reply
      .header('content-type', metrics.registry.contentType)
      .send(await metrics.registry.metrics()),
  );

  // Ready to serve: the database answers and has every migration this code expects (a load
  // balancer sends requests only then; /healthz only says the process is up).
  app.get('/readyz', async (_req, reply) => {
    let reason: string;
    try {
      const pending = await pendingMigrations(store.db);
      if (pending === 0) return { ready: true, database: store.driver };
      reason = `${pending} migration(s) not applied yet`;
    } catch (error) {
      reason = `the database does not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
    return reply.code(503).header('retry-after', '5').send({ ready: false, reason });
  });

  for (const each of SURFACES) await each.register(app, surface);
  await serveOpenApi(app, SURFACES);

  if (options.webDir && existsSync(resolve(options.webDir, 'index.html'))) {
    await serveSpa(app, options.webDir);
  }

  return app;
}

/**
 * The SPA's files; any other GET that wants a page gets index.html, so a bookmarked or reloaded
 * link (`/jobs/12`, `/?status=...`) opens the app, which routes it. API paths keep their 404s.
 */
async function serveSpa(app: FastifyInstance, webDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: resolve(webDir),
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      // Vite puts a content hash in every asset name; index.html must be checked each time.
      res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // `/archives` itself is the app's Archives page; only `/archives/<id>/…` is the API.
    const isApi =
      /^\/(healthz|readyz|metrics|openapi\.json|docs)(\/|$)/.test(path) || isApiPath(path);
    // A missing file (a stale asset name) is a 404, not the app.
    const isFile = path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path);
    if (req.method === 'GET' && !isApi && !isFile && req.headers.accept?.includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: `no route ${req.method} ${path}` });
  });
}

/** The HTTP status Fastify gave an error of its own (bad JSON, body too large), if any. */
function statusOf(error: unknown): number | null {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : null;
}

/** The driver's words for an outage, for the log (the client gets none of them). */
function reasonOf(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Paths of the API (tRPC, downloads, the REST surfaces): rate-limited, never the SPA. */
function isApiPath(url: string): boolean {
  return (
    /^\/(trpc|archives)\//.test(url) || SURFACE_PREFIXES.some((prefix) => url.startsWith(prefix))
  );
}

/** The host (with port) an Origin header names, or null when it is not a URL (`null`). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** Whom a request's rate limit counts against. */
function rateLimitKey(req: FastifyRequest): string {
  const { authorization } = req.headers;
  if (authorization) return `token:${sha256Hex(authorization).slice(0, 32)}`;
  const session = req.cookies[SESSION_COOKIE];
  if (session) return `session:${sha256Hex(session).slice(0, 32)}`;
  return `ip:${req.ip}`;
}

const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

/**
 * What a request is counted as: each procedure of a tRPC call (a batch names several), or
 * the route; never a raw path, so that no client can make the label set grow.
 */
function procedureLabels(req: FastifyRequest): string[] {
  const path = req.url.split('?', 1)[0] ?? '';
  if (path.startsWith('/trpc/')) {
    return path
      .slice('/trpc/'.length)
      .split(',')
      .map((name) => (PROCEDURES.has(name) ? name : 'unknown'));
  }
  return [req.routeOptions.url ?? 'other'];
}
