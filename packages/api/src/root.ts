import type { inferRouterInputs } from '@trpc/server';

import { auditLogsRouter } from './routers/audit-logs';
import { authRouter } from './routers/auth';
import { exportsRouter } from './routers/exports';
import { integrityRouter } from './routers/integrity';
import { jobsRouter } from './routers/jobs';
import { purgeRouter } from './routers/purge';
import { retentionRouter } from './routers/retention';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  auditLogs: auditLogsRouter,
  jobs: jobsRouter,
  exports: exportsRouter,
  purge: purgeRouter,
  retention: retentionRouter,
  users: usersRouter,
  tokens: tokensRouter,
  integrity: integrityRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

type RouterInputs = inferRouterInputs<AppRouter>;
type Namespace = Extract<keyof RouterInputs, string>;

/**
 * `auditLogs.list`, `jobs.cancel`, …: every procedure of the router, by its dotted path (as
 * tRPC's URLs and /api/v1's routes name them). A `Record<ProcedurePath, …>` fails to compile
 * until a new procedure is in it.
 */
export type ProcedurePath = {
  [R in Namespace]: `${R}.${Extract<keyof RouterInputs[R], string>}`;
}[Namespace];
