import type { AuditDb, Database } from '@audit/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

import { checkPassword } from './auth/password-sign-in';
import { API_TOKEN_PREFIX } from './auth/secrets';
import type { RequestMeta } from './data/audit-trail';
import { isDatabaseUnavailable } from './data/db-errors';
import { DomainError, UnavailableError } from './data/errors';
import { eventScope, type EventScope } from './data/events';
import { loginSucceeded } from './data/login-throttle';
import {
  findSessionPrincipal,
  findTokenPrincipal,
  tenantScopeOf,
  type Principal,
  type UserPrincipal,
} from './data/principals';
import type { EventFilter } from './filters/schema';
import type { SigningKey } from './integrity/signing-key';
import type { Metrics } from './metrics';
import { rawInputProblem } from './schemas/raw-input';

export const SESSION_COOKIE = 'audit_session';

/** What lives as long as the process: the store and the clock. */
export interface AppDeps {
  store: AuditDb;
  /** The server's notion of now; tests substitute a fake clock. */
  clock: () => Date;
  /** Waits out the sign-in slow-down; tests substitute one that does not wait. */
  sleep: (ms: number) => Promise<void>;
  /** Most events a histogram or facets request reads from the events table (EVENTS_READ_BUDGET). */
  eventsReadBudget: number;
  /** Signs the seal chain; its public half is what integrity verification checks against. */
  signingKey: SigningKey;
  /** Counters for /metrics (absent in tests that do not serve HTTP). */
  metrics?: Metrics;
}

/** The request's cookies, so procedures can sign in and out over HTTP and in tests alike. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, maxAgeMs: number): void;
  clear(name: string): void;
}

export interface Context extends AppDeps {
  db: Database;
  meta: RequestMeta;
  cookies: CookieJar;
  principal: Principal | null;
  /** Why credentials that were sent did not sign anyone in. */
  credentialProblem: string | null;
}

export interface RequestCredentials {
  meta: RequestMeta;
  cookies: CookieJar;
  /** `Bearer <API token>`, or `Basic <base64 user:password>` for people (RFC 7617). */
  authorization: string | undefined;
  /** An API token alone, as HPE's SDN controller clients send it (`X-Auth-Token`). */
  authToken?: string | undefined;
}

export async function createContext(deps: AppDeps, request: RequestCredentials): Promise<Context> {
  try {
    return await contextOf(deps, request);
  } catch (error) {
    // Runs before any procedure's middleware: a database outage here must be a 503 too.
    throw domainTRPCError(error) ?? error;
  }
}

const TOKEN_FORM = `Authorization must be "Bearer ${API_TOKEN_PREFIX}…" or "Basic <base64 of user:password>"`;

/** Who the credentials name: `principal` or, when they do not hold, why (`problem`). */
type Identification = { principal: Principal | null; problem: string | null };

async function identifyToken(db: Database, secret: string, now: Date): Promise<Identification> {
  if (!secret.startsWith(API_TOKEN_PREFIX)) return { principal: null, problem: TOKEN_FORM };
  const principal = await findTokenPrincipal(db, secret, now);
  return { principal, problem: principal ? null : 'the API token is unknown, revoked or expired' };
}

/**
 * HTTP Basic: a person's name and password on every request, checked and throttled exactly
 * as the sign-in form is (auth/password-sign-in.ts); a wrong password is a 401 at once, not a
 * request served anonymously. Failures are recorded; successes are not (every request would
 * be one), nor do they make a session.
 */
async function identifyBasic(deps: AppDeps, meta: RequestMeta, encoded: string) {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return { principal: null, problem: TOKEN_FORM };
  const username = decoded.slice(0, colon);
  const now = deps.clock();
  const { user, keys } = await checkPassword(
    { db: deps.store.db, meta, now, sleep: deps.sleep },
    'HTTP Basic',
    username,
    decoded.slice(colon + 1),
  );
  await loginSucceeded(deps.store.db, keys);
  const principal: UserPrincipal = {
    kind: 'user',
    userId: user.id,
    username: user.username,
    role: user.role,
    sessionId: null,
  };
  return { principal, problem: null };
}

async function contextOf(deps: AppDeps, request: RequestCredentials): Promise<Context> {
  const { db } = deps.store;
  const now = deps.clock();
  let found: Identification = { principal: null, problem: null };

  if (request.authorization !== undefined) {
    // Exactly `Bearer <token>` (RFC 6750) or `Basic <credentials>`: anything after is refused.
    const [, scheme = '', value = ''] =
      /^(bearer|basic) ([!-~]+)$/i.exec(request.authorization) ?? [];
    if (scheme.toLowerCase() === 'bearer') found = await identifyToken(db, value, now);
    else if (scheme.toLowerCase() === 'basic')
      found = await identifyBasic(deps, request.meta, value);
    else found = { principal: null, problem: TOKEN_FORM };
  } else if (request.authToken !== undefined) {
    found = await identifyToken(db, request.authToken, now);
  } else {
    const secret = request.cookies.get(SESSION_COOKIE);
    if (secret) {
      const principal = await findSessionPrincipal(db, secret, now);
      found = { principal, problem: principal ? null : 'the session has ended; sign in again' };
    }
  }
  return {
    ...deps,
    db,
    meta: request.meta,
    cookies: request.cookies,
    principal: found.principal,
    credentialProblem: found.problem,
  };
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    // Only bad input is described field by field; a failed output check is our bug, not theirs.
    const zodError =
      error.code === 'BAD_REQUEST' && error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // Never a stack or SQL to the client: internal errors are logged, not described.
      message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fieldErrors: zodError
          ? zodError.issues.map((issue) => ({
              path: issue.path.map(String).join('.'),
              message: issue.message,
            }))
          : undefined,
      },
    };
  },
});

/** `events.3.userIp: must be an IPv4/IPv6 address or CIDR block; …` */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The tRPC code of each kind of error data access throws: the one place they are mapped. */
const DOMAIN_ERROR_CODES = {
  'not-found': 'NOT_FOUND',
  'invalid-input': 'BAD_REQUEST',
  conflict: 'CONFLICT',
  // 503; server.ts adds Retry-After.
  unavailable: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<DomainError['kind'], TRPCError['code']>;

/**
 * The tRPC error for a failure that has a name: a domain error, or the database being out of
 * reach (any query's connection error becomes UnavailableError). Undefined for the rest,
 * which stay internal errors.
 */
export function domainTRPCError(error: unknown): TRPCError | undefined {
  const domain =
    error instanceof DomainError
      ? error
      : isDatabaseUnavailable(error)
        ? new UnavailableError({ cause: error })
        : undefined;
  if (!domain) return undefined;
  return new TRPCError({
    code: DOMAIN_ERROR_CODES[domain.kind],
    message: domain.message,
    cause: domain,
  });
}

/**
 * Every procedure starts here. Its raw input is checked first (schemas/raw-input.ts: no
 * NUL, no lone surrogate, bounded depth). A domain error from data access becomes its tRPC
 * code with its own message. Bad input surfaces as a zod error whose message is a JSON dump;
 * this restates it as `field.path: reason; …` on the error itself, so HTTP clients and
 * in-process callers read the same message.
 */
export const publicProcedure = t.procedure
  .use(async ({ getRawInput, next }) => {
    const problem = rawInputProblem(await getRawInput());
    if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem });
    return next();
  })
  .use(async ({ next }) => {
    const result = await next();
    if (result.ok) return result;
    const { error } = result;
    // A code a procedure chose itself stays; only what it threw unnamed is mapped.
    const named =
      error.code === 'INTERNAL_SERVER_ERROR' || error.cause instanceof DomainError
        ? domainTRPCError(error.cause)
        : undefined;
    if (named) throw named;
    if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
      error.message = describeZodError(error.cause);
    }
    return result;
  });

function unauthorized(ctx: Context): TRPCError {
  return new TRPCError({
    code: 'UNAUTHORIZED',
    message: ctx.credentialProblem ?? 'sign in, or send an API token',
  });
}

/** Anyone who is signed in or holds a valid token. */
export const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) throw unauthorized(ctx);
  return next({ ctx: { principal: ctx.principal } });
});

/** A person signed in through the web app, any role. */
export const userProcedure = publicProcedure.use(({ ctx, next }) => {
  const { principal } = ctx;
  if (!principal) throw unauthorized(ctx);
  if (principal.kind !== 'user') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'only a signed-in person may do this' });
  }
  return next({ ctx: { principal, user: principal } });
});

/**
 * Who may read audit data: auditors, admins, and tokens with the `read` scope. Throws
 * UNAUTHORIZED or FORBIDDEN otherwise (the archive download route uses it too).
 */
export function readPrincipal(ctx: Context): Principal {
  const { principal } = ctx;
  if (!principal) throw unauthorized(ctx);
  if (principal.kind === 'token' && !principal.scopes.includes('read')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'this token lacks the "read" scope' });
  }
  return principal;
}

/** The caller's view of a filter, now: see eventScope. */
function scopeFor(principal: Principal, clock: () => Date) {
  return (filter: EventFilter | undefined): EventScope =>
    eventScope(filter ?? {}, tenantScopeOf(principal), clock());
}

/** Reading audit data: see readPrincipal. */
export const readProcedure = publicProcedure.use(({ ctx, next }) => {
  const principal = readPrincipal(ctx);
  return next({ ctx: { principal, scope: scopeFor(principal, ctx.clock) } });
});

/** Administration: signed-in admins only (never a token). */
export const adminProcedure = userProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'only an admin may do this' });
  }
  return next({
    ctx: {
      user: ctx.user as UserPrincipal & { role: 'admin' },
      scope: scopeFor(ctx.user, ctx.clock),
    },
  });
});

/** Recording: services holding a token with the `ingest` scope. */
export const ingestProcedure = publicProcedure.use(({ ctx, next }) => {
  const { principal } = ctx;
  if (!principal) throw unauthorized(ctx);
  if (principal.kind !== 'token' || !principal.scopes.includes('ingest')) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'recording needs an API token with the "ingest" scope',
    });
  }
  return next({ ctx: { principal, token: principal } });
});
