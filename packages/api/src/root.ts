import { auditLogsRouter } from './routers/audit-logs';
import { authRouter } from './routers/auth';
import { exportsRouter } from './routers/exports';
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
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
