import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import { ZodError, z } from 'zod';

import { createCaller } from '../root';
import {
  createContext,
  describeZodError,
  domainTRPCError,
  type AppDeps,
  type Context,
  type CookieJar,
  type RequestCredentials,
} from '../trpc';

/**
 * What every HTTP surface beside tRPC shares: `/api/v1`, and the reference products' paths
 * (Junos Space, HPE VAN SDN, CA API Portal). Each one is an adapter: it reads its request,
 * calls the same tRPC procedures through `callerFor` (same authorisation, same validation,
 * same data access) and writes its answer in its own shape. Each describes its routes for
 * /openapi.json (openapi.ts puts them together).
 */

/** What a surface's routes need from the server. */
export interface SurfaceDeps {
  deps: AppDeps;
  /** Where archives are (downloads are served from here). */
  archiveDir: string;
}

export interface HttpSurface {
  /** Its tag in /openapi.json and on /docs. */
  tag: oas31.TagObject;
  /** Its routes, for /openapi.json: every path it serves, under `tag.name`. */
  paths: oas31.PathsObject;
  /** Extra reusable schemas its paths refer to (`#/components/schemas/<name>`). */
  schemas?: Record<string, oas31.SchemaObject>;
  register(app: FastifyInstance, surface: SurfaceDeps): void | Promise<void>;
}

/** The server's cookie attributes for the session: one place, for tRPC and REST alike. */
export function cookieJarOf(req: FastifyRequest, reply: FastifyReply | null): CookieJar {
  return {
    get: (name) => req.cookies[name],
    set: (name, value, maxAgeMs) => {
      void reply?.setCookie(name, value, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        maxAge: Math.floor(maxAgeMs / 1000),
      });
    },
    clear: (name) => {
      void reply?.clearCookie(name, { path: '/' });
    },
  };
}

/**
 * Who sent a request and with what credentials: `Authorization` (Bearer or Basic),
 * `X-Auth-Token`, or the session cookie. Without `reply`, the cookies are read-only.
 */
export function credentialsOf(
  req: FastifyRequest,
  reply: FastifyReply | null = null,
): RequestCredentials {
  const authToken = req.headers['x-auth-token'];
  return {
    meta: { requestId: req.id, ip: req.ip || null, userAgent: req.headers['user-agent'] ?? null },
    authorization: req.headers.authorization,
    authToken: Array.isArray(authToken) ? authToken[0] : authToken,
    cookies: cookieJarOf(req, reply),
  };
}

export type Caller = ReturnType<typeof createCaller>;

/** The request's context and a caller of every procedure as that requester. */
export async function callerFor(
  deps: AppDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ ctx: Context; caller: Caller }> {
  const ctx = await createContext(deps, credentialsOf(req, reply));
  return { ctx, caller: createCaller(ctx) };
}

// ---------------------------------------------------------------- problem details (RFC 9457)

/** One invalid input, by its name on this surface (`userName`, `events.3.userIp`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  /** What went wrong, naming the field: `limit: must be at most 2000`. */
  detail: string;
  /** The tRPC error code (`BAD_REQUEST`, `UNAUTHORIZED`, …), for code that branches on it. */
  code: string;
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Seconds a client waits before trying again after a 503 (the database out of reach). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export function problem(
  status: number,
  detail: string,
  options: { code?: string; errors?: FieldProblem[] } = {},
): Problem {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code: options.code ?? TRPC_CODE_OF_STATUS[status] ?? 'ERROR',
    ...(options.errors?.length ? { errors: options.errors } : {}),
  };
}

const TRPC_CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Field problems of a zod error, each path joined with dots (`events.3.userIp`). */
export function fieldProblems(error: ZodError, prefix: readonly (string | number)[] = []) {
  return error.issues.slice(0, 20).map((issue) => ({
    field: [...prefix, ...issue.path].map(String).join('.') || 'input',
    message: issue.message,
  }));
}

/** A bad query, path or body of a surface's own (before any procedure ran): a 400 naming each field. */
export function zodProblem(error: ZodError): Problem {
  return problem(400, describeZodError(error), { errors: fieldProblems(error) });
}

/**
 * The problem a procedure's failure is to an HTTP client, or null for an error that is the
 * server's own fault (the caller rethrows it: logged, answered 500 without details).
 */
export function problemOf(error: unknown): Problem | null {
  const trpc = error instanceof TRPCError ? error : domainTRPCError(error);
  if (!trpc || trpc.code === 'INTERNAL_SERVER_ERROR') return null;
  const status = getHTTPStatusCodeFromError(trpc);
  const cause = trpc.cause;
  return problem(status, trpc.message, {
    code: trpc.code,
    ...(cause instanceof ZodError ? { errors: fieldProblems(cause) } : {}),
  });
}

/** Sends a problem as `application/problem+json` (a 503 says when to try again). */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 503) reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  if (body.status === 401) {
    reply.header('www-authenticate', 'Bearer, Basic realm="Audit Log Manager", charset="UTF-8"');
  }
  return reply.code(body.status).type('application/problem+json').send(body);
}

/**
 * Runs a route's work, answering a named failure as a problem (a 4xx, or a 503 while the
 * database is out of reach); anything else goes on to the server's error handler (a 500).
 */
export async function answering(
  reply: FastifyReply,
  work: () => Promise<unknown>,
  /** Restates the problem in this surface's words (its parameter names). */
  restate: (body: Problem) => Problem = (body) => body,
): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    const body = error instanceof ZodError ? zodProblem(error) : problemOf(error);
    if (!body) throw error;
    return sendProblem(reply, restate(body));
  }
}

// ---------------------------------------------------------------- OpenAPI pieces

/** The JSON Schema (2020-12, as OpenAPI 3.1 takes it) of what a client sends or receives. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): oas31.SchemaObject {
  const {
    $schema: _dialect,
    $defs: defs,
    ...rest
  } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as oas31.SchemaObject & { $schema?: string; $defs?: Record<string, oas31.SchemaObject> };
  if (!defs) return rest;
  // A recursive schema (the filter's `where` tree, named by its `.meta({ id })`) is defined
  // once; a ref into this schema's own $defs would be lost when a surface takes one property
  // out of it (REST lifts the filter's fields), so it goes to the document's components.
  for (const [name, def] of Object.entries(defs)) {
    const moved = toComponentRefs(def) as oas31.SchemaObject;
    const known = SHARED_SCHEMAS.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(moved)) {
      throw new Error(`two different schemas are named ${name}`);
    }
    SHARED_SCHEMAS.set(name, moved);
  }
  return toComponentRefs(rest) as oas31.SchemaObject;
}

/** Schemas that jsonSchemaOf met by name: /openapi.json puts them under components.schemas. */
export const SHARED_SCHEMAS = new Map<string, oas31.SchemaObject>();

function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/\$defs\//, '#/components/schemas/')
        : toComponentRefs(inner),
    ]),
  );
}

export const PROBLEM_SCHEMA: oas31.SchemaObject = {
  type: 'object',
  description: 'A problem (RFC 9457): what went wrong, naming the field.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', examples: ['about:blank'] },
    title: { type: 'string', examples: ['Bad Request'] },
    status: { type: 'integer', examples: [400] },
    detail: { type: 'string', examples: ['limit: must be at most 2000'] },
    code: { type: 'string', examples: ['BAD_REQUEST'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: `detail` and `errors` name each field and the reason.',
  401: 'No credentials, or credentials that do not hold.',
  403: 'The credentials may not do this (role, scope, or another tenant).',
  404: 'Nothing here, or nothing this caller may see.',
  409: 'A conflict with the current state.',
  429: 'Too many requests or failed sign-ins; try again later.',
  503: 'The database is out of reach; try again after `Retry-After` seconds.',
};

/** Problem responses for these statuses (401 and 503 are added to every operation). */
export function problemResponses(...statuses: number[]): oas31.ResponsesObject {
  const all = [...new Set([...statuses, 401, 503])].sort();
  return Object.fromEntries(
    all.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? TITLES[status] ?? 'Error',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      },
    ]),
  );
}

/** Who may call a read path: auditors, admins (session or Basic), and tokens with `read`. */
export const READ_SECURITY: oas31.SecurityRequirementObject[] = [
  { bearerToken: [] },
  { basicAuth: [] },
  { sessionCookie: [] },
];
