/**
 * The server's V8 heap limit, in MB: `--max-old-space-size`, given by this package's `start`
 * script (and by the benchmark's server process, which stands in for `pnpm start`).
 *
 * Why a limit: V8 runs its next full collection once the old generation reaches a multiple
 * of what the last one left alive, and that multiple is up to 4 when the heap limit is 2 GB
 * or more (Node's default on a machine with 16 GB of memory or more is 4 GB), 1.3 to 2 below
 * it. An export promotes about a kilobyte of garbage per row (its rows outlive two
 * young-generation collections), so with a live heap of ~37 MB the server's RSS rose by
 * 170–190 MB during any export of 1 M rows or more. Under this limit it rises by ~60 MB,
 * at 1 M rows as at 5 M (pnpm bench). The live heap is a few tens of MB: 1 GB leaves ample room.
 */
export const SERVER_HEAP_LIMIT_MB = 1024;

/** From this heap limit on, V8 lets garbage grow to 4× the live heap between full collections. */
const FOUR_FOLD_GROWTH_FROM = 2048 * 1024 * 1024;

/**
 * What to tell the operator of a server started without the limit (by a command other than
 * `pnpm start`), or null. `heapSizeLimit` is `v8.getHeapStatistics().heap_size_limit`.
 */
export function heapLimitWarning(heapSizeLimit: number): string | null {
  if (heapSizeLimit < FOUR_FOLD_GROWTH_FROM) return null;
  const mb = Math.round(heapSizeLimit / (1024 * 1024)).toLocaleString('en');
  return (
    `The V8 heap limit is ${mb} MB: an export will grow this process by ~190 MB of garbage ` +
    `instead of ~60 MB. Start the server with --max-old-space-size=${SERVER_HEAP_LIMIT_MB} ` +
    '(as `pnpm start` does).'
  );
}
