import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A cursor-paged list with "Load more". Built on react-query's own infinite query, not tRPC's
 * `useInfiniteQuery`: that one adds `direction` to the input, which the API's strict list
 * inputs refuse. Pass the tRPC query key (`getQueryKey(proc, input, 'infinite')`) so
 * `utils.<router>.<list>.invalidate()` still reaches it. Refetching (polling) runs the pages
 * again in order, each from the cursor the one before now returns, so nothing is skipped.
 */
export function useCursorPages<T>(options: {
  queryKey: QueryKey;
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<CursorPage<T>>;
  /** How often to refetch, given every item loaded; false for never. */
  refetchInterval?: (items: T[]) => number | false;
}) {
  const { refetchInterval } = options;
  const query = useInfiniteQuery({
    queryKey: options.queryKey,
    queryFn: ({ pageParam, signal }) => options.fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: refetchInterval
      ? (q) => refetchInterval(q.state.data?.pages.flatMap((page) => page.items) ?? [])
      : false,
    // The page shows a failed load in place.
    meta: { silent: true },
  });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  return { ...query, items };
}
