import { auditLogsRouter } from './routers/audit-logs';
import { authRouter } from './routers/auth';
import { jobsRouter } from './routers/jobs';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  auditLogs: auditLogsRouter,
  jobs: jobsRouter,
  users: usersRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
