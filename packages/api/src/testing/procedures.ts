import type { inferRouterInputs } from '@trpc/server';

import type { AppRouter } from '../root';

type RouterInputs = inferRouterInputs<AppRouter>;
type Namespace = Extract<keyof RouterInputs, string>;

/**
 * `auditLogs.list`, `jobs.cancel`, …: every procedure of the router, by its dotted path. A
 * `Record<ProcedurePath, …>` in a test fails to compile until a new procedure is in it.
 */
export type ProcedurePath = {
  [R in Namespace]: `${R}.${Extract<keyof RouterInputs[R], string>}`;
}[Namespace];
