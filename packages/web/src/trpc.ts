import type { AppRouter } from '@audit/api';
import { MAX_TRPC_BATCH } from '@audit/db/values';
import { QueryCache, QueryClient, MutationCache } from '@tanstack/react-query';
import {
  httpBatchLink,
  httpBatchStreamLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client';
import {
  createTRPCQueryUtils,
  createTRPCReact,
  type inferReactQueryProcedureOptions,
} from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

import { notifyError } from './lib/notify';

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type ReactQueryOptions = inferReactQueryProcedureOptions<AppRouter>;

export type AuditEvent = RouterOutputs['auditLogs']['list']['items'][number];
export type SortField = NonNullable<RouterInputs['auditLogs']['list']['sort']>['field'];
export type Job = RouterOutputs['jobs']['byId'];

export function isUnauthorized(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  return (error as TRPCClientError<AppRouter>).data?.code === 'UNAUTHORIZED';
}

/** The message to show for a failed call: the server's, which names the field and the reason. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createQueryClient(onUnauthorized: () => void) {
  const handle = (error: unknown, silent: boolean) => {
    if (isUnauthorized(error)) onUnauthorized();
    else if (!silent) notifyError(error);
  };
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !(error instanceof TRPCClientError) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
    // Every failed call shows a toast, unless the caller shows the error in place itself.
    queryCache: new QueryCache({
      onError: (error, query) => {
        handle(error, query.meta?.silent === true);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        handle(error, mutation.meta?.silent === true);
      },
    }),
  });
}

/**
 * Queries asked together go in one request whose answers stream back as each is ready, so
 * the table's rows do not wait for the histogram or the facets. The sign-in check and the
 * mutations (which may set the session cookie, so must answer before the body starts) go
 * in plain batches of their own.
 */
export function createTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'query' && !op.path.startsWith('auth.'),
        true: httpBatchStreamLink({ url: '/trpc', maxURLLength: 4000, maxItems: MAX_TRPC_BATCH }),
        false: httpBatchLink({ url: '/trpc', maxURLLength: 4000, maxItems: MAX_TRPC_BATCH }),
      }),
    ],
  });
}

/** tRPC calls outside components (the router's loaders), sharing the hooks' cache. */
export function createTrpcUtils(queryClient: QueryClient, client: TRPCClient<AppRouter>) {
  return createTRPCQueryUtils<AppRouter>({ queryClient, client });
}
export type TrpcUtils = ReturnType<typeof createTrpcUtils>;

declare module '@tanstack/react-query' {
  interface Register {
    /** `silent`: the component shows the error itself, so no toast. */
    queryMeta: { silent?: boolean };
    mutationMeta: { silent?: boolean };
  }
}
