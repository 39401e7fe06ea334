import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { ARCHIVE_KINDS, JOB_STATES } from '@audit/db/values';
import { z } from 'zod';

import { AppLayout } from './components/app-layout';
import { ArchivesPage } from './pages/archives-page';
import { JobPage } from './pages/job-page';
import { JobsPage } from './pages/jobs-page';
import { LoginPage } from './pages/login-page';
import { LogsPage } from './pages/logs-page';
import { SettingsPage } from './pages/settings-page';
import { parseLogsSearch } from './lib/logs-search';

const rootRoute = createRootRoute({ component: Outlet });

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: z.object({ redirect: z.string().optional().catch(undefined) }),
  component: LoginPage,
});

/** Everything behind sign-in shares the layout, which sends strangers to /login. */
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: AppLayout });

export const logsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  validateSearch: parseLogsSearch,
  component: LogsPage,
});

export const jobsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs',
  validateSearch: z.object({
    state: z.enum(JOB_STATES).optional().catch(undefined),
    type: z.string().optional().catch(undefined),
  }),
  component: JobsPage,
});

export const jobRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs/$jobId',
  component: JobPage,
});

export const archivesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/archives',
  validateSearch: z.object({ kind: z.enum(ARCHIVE_KINDS).optional().catch(undefined) }),
  component: ArchivesPage,
});

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  component: SettingsPage,
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([logsRoute, jobsRoute, jobRoute, archivesRoute, settingsRoute]),
]);

export function createAppRouter() {
  return createRouter({ routeTree, defaultPreload: false, scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
