import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
} from '@tanstack/react-router';
import { ARCHIVE_KINDS, JOB_STATES } from '@audit/db/values';
import { z } from 'zod';

import { AppLayout } from './components/app-layout';
import { loadHistogram, LogsPage } from './pages/logs-page';
import { anchorKey, prefetchLogsPage } from './lib/logs-queries';
import { parseLogsSearch } from './lib/logs-search';
import { viewerTimeZone } from './lib/time';
import type { TrpcUtils } from './trpc';

/** What loaders get: tRPC calls that fill the cache the pages' hooks read. */
export interface RouterContext {
  trpcUtils: TrpcUtils;
}

/** Longest the Audit Logs page waits for its rows before it renders without them. */
const FIRST_ROWS_WAIT_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Outlet });

// Audit Logs, the first screen, is in the main bundle; the other pages load when visited.

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: z.object({ redirect: z.string().optional().catch(undefined) }),
  component: lazyRouteComponent(() => import('./pages/login-page'), 'LoginPage'),
});

/**
 * Everything behind sign-in shares the layout, which sends strangers to /login. The sign-in
 * check starts here, with the page's own requests, not before them.
 */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  component: AppLayout,
  loader: ({ context }) => {
    void context.trpcUtils.auth.me.prefetch(undefined, {
      meta: { silent: true },
      staleTime: Infinity,
    });
  },
});

export const logsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  validateSearch: parseLogsSearch,
  // A new filter is a new load, anchoring preset ranges ("last 7 days") on a new now; a page
  // turn or the drawer is not. Left and come back to, the page loads (and anchors) afresh.
  loaderDeps: ({ search }) => anchorKey(search),
  staleTime: Infinity,
  gcTime: 0,
  loader: async ({ context, location, cause }) => {
    const now = Date.now();
    const search = parseLogsSearch(location.search);
    const rows = prefetchLogsPage(context.trpcUtils, search, now, search.tz ?? viewerTimeZone());
    // tRPC sends what was asked in this tick from a timer set just now: let that timer run
    // (the requests go out) before anything else.
    await new Promise((resolve) => setTimeout(resolve));
    // Then the chart library, which the first screen shows too. (Preloaded from index.html,
    // it was compiled before the requests went out, and delayed them: measured on 2 cores.)
    void loadHistogram();
    // Arriving on the page, it renders once its rows are here, if they come soon: rendering
    // it first (a long task) would only keep the browser from reading them. Later changes
    // (a filter, a page turn) show the previous rows meanwhile instead.
    if (cause === 'enter') await Promise.race([rows, sleep(FIRST_ROWS_WAIT_MS)]);
    return { now };
  },
  component: LogsPage,
});

export const jobsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs',
  validateSearch: z.object({
    state: z.enum(JOB_STATES).optional().catch(undefined),
    type: z.string().optional().catch(undefined),
  }),
  component: lazyRouteComponent(() => import('./pages/jobs-page'), 'JobsPage'),
});

export const jobRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs/$jobId',
  component: lazyRouteComponent(() => import('./pages/job-page'), 'JobPage'),
});

export const archivesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/archives',
  validateSearch: z.object({ kind: z.enum(ARCHIVE_KINDS).optional().catch(undefined) }),
  component: lazyRouteComponent(() => import('./pages/archives-page'), 'ArchivesPage'),
});

export const integrityRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/integrity',
  component: lazyRouteComponent(() => import('./pages/integrity-page'), 'IntegrityPage'),
});

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  component: lazyRouteComponent(() => import('./pages/settings-page'), 'SettingsPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    logsRoute,
    jobsRoute,
    jobRoute,
    archivesRoute,
    integrityRoute,
    settingsRoute,
  ]),
]);

export function createAppRouter(trpcUtils: TrpcUtils) {
  return createRouter({
    routeTree,
    context: { trpcUtils },
    defaultPreload: false,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
