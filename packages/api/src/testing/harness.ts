import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AuditDb } from '@audit/db';
import { createTestDb } from '@audit/db/testing';

import { TRPCError } from '@trpc/server';
import * as yauzl from 'yauzl';

import { ensureFirstAdmin } from '../bootstrap';
import { EVENTS_READ_BUDGET } from '../data/event-counts';
import { jobHandlers } from '../jobs/handlers';
import { sealPending } from '../integrity/sealer';
import { generateSigningKey } from '../integrity/signing-key';
import { UNSEALED_AFTER_MS, verifySeals } from '../integrity/verify';
import { JobRunner, type JobRunnerOptions } from '../jobs/runner';
import { createCaller } from '../root';
import { buildServer } from '../server';
import { createContext, SESSION_COOKIE, type AppDeps } from '../trpc';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export type Caller = ReturnType<typeof createCaller>;

export interface Credentials {
  /** The session cookie's value. */
  session?: string | undefined;
  /** A raw Authorization header. */
  authorization?: string | undefined;
  ip?: string;
  userAgent?: string;
}

/**
 * The API over a fresh migrated database (PGlite, or PostgreSQL when DATABASE_URL is set),
 * called through the real tRPC router and context: every call resolves its credentials
 * the way an HTTP request does.
 */
export async function createTestApp(options: { now?: Date; eventsReadBudget?: number } = {}) {
  const store: AuditDb = await createTestDb();
  let now = options.now;
  const slept: number[] = [];
  const deps: AppDeps = {
    store,
    clock: () => (now ? new Date(now) : new Date()),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    eventsReadBudget: options.eventsReadBudget ?? EVENTS_READ_BUDGET,
    signingKey: generateSigningKey(),
  };
  await ensureFirstAdmin(store.db, ADMIN_PASSWORD, deps.clock());
  const archiveDir = mkdtempSync(join(tmpdir(), 'audit-archives-'));

  /** A job runner on the app's clock and archive folder (a new one plays a restarted process). */
  function runner(options: Partial<JobRunnerOptions> = {}) {
    return new JobRunner({
      store,
      handlers: jobHandlers({ archiveDir, signingKey: deps.signingKey }),
      clock: deps.clock,
      ...options,
    });
  }

  /** Runs every due job to its end. */
  async function runJobs(): Promise<void> {
    const worker = runner();
    while (await worker.runOnce()) {
      // until no job is due
    }
  }

  /** A caller with these credentials; `cookies` shows what the server set. */
  function as(credentials: Credentials = {}) {
    const cookies = new Map<string, string>();
    if (credentials.session) cookies.set(SESSION_COOKIE, credentials.session);
    const caller = createCaller(() =>
      createContext(deps, {
        meta: {
          requestId: 'test',
          ip: credentials.ip ?? '10.20.30.40',
          userAgent: credentials.userAgent ?? 'vitest',
        },
        authorization: credentials.authorization,
        cookies: {
          get: (name) => cookies.get(name),
          set: (name, value) => cookies.set(name, value),
          clear: (name) => cookies.delete(name),
        },
      }),
    );
    return { caller, cookies };
  }

  async function signIn(username: string, password: string, ip?: string): Promise<Caller> {
    const anonymous = as({ ...(ip ? { ip } : {}) });
    await anonymous.caller.auth.login({ username, password });
    const session = anonymous.cookies.get(SESSION_COOKIE);
    if (!session) throw new Error('login set no session cookie');
    return as({ session, ...(ip ? { ip } : {}) }).caller;
  }

  const admin = await signIn('admin', ADMIN_PASSWORD);

  async function userWithRole(
    role: 'auditor' | 'admin',
    username = `${role}-${Math.random().toString(36).slice(2, 8)}`,
  ) {
    const password = `${username}-password!`;
    await admin.users.create({ username, password, role });
    return { username, password, caller: await signIn(username, password) };
  }

  async function token(
    scopes: ('ingest' | 'read')[],
    extra: { tenant?: string; systemId?: string } = {},
  ) {
    const { secret, token: info } = await admin.tokens.create({
      name: `token-${Math.random().toString(36).slice(2, 8)}`,
      scopes,
      ...extra,
    });
    return { secret, info, caller: as({ authorization: `Bearer ${secret}` }).caller };
  }

  return {
    store,
    deps,
    admin,
    as,
    signIn,
    userWithRole,
    token,
    /** Sign-in slow-downs that were asked for, in ms. */
    slept,
    setNow(date: Date | undefined) {
      now = date;
    },
    archiveDir,
    runner,
    runJobs,
    /** Seals what is recorded so far, as the server's sealer does every second. */
    seal: () => sealPending(store.db, deps.signingKey, deps.clock),
    /** Verifies the whole chain with the app's key, as the daily job does. */
    verify: () =>
      verifySeals(store.db, deps.signingKey.publicKey, {
        now: deps.clock(),
        sealingDelayMs: UNSEALED_AFTER_MS,
      }),
    close: async () => {
      await store.close();
      rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** The error a call failed with (a test failure if it succeeded). */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const outcome: unknown = await promise.then(
    () => new Error('expected the call to fail, but it succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof TRPCError)) throw outcome;
  return outcome;
}

/** Every entry of a zip held in memory, by name, as UTF-8 text (exports in tests). */
export async function unzipText(bytes: Buffer): Promise<Record<string, string>> {
  const zip = await yauzl.fromBufferPromise(bytes, { autoClose: false });
  const files: Record<string, string> = {};
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    files[entry.fileName] = Buffer.concat(chunks).toString('utf8');
  }
  zip.close();
  return files;
}

/** The app served over HTTP on a free port (its in-process callers still work beside it). */
export async function serveTestApp(app: TestApp) {
  const server = await buildServer({
    config: { LOG_LEVEL: 'silent' },
    store: app.store,
    archiveDir: app.archiveDir,
    clock: app.deps.clock,
    sleep: app.deps.sleep,
    signingKey: app.deps.signingKey,
  });
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, base };
}
