import type { EventFilterInput } from '@audit/api/filters';

import { FACETS } from '../components/facets-panel';
import { searchQueryError } from '../components/search-bar';
import type { RouterInputs, TrpcUtils } from '../trpc';
import { DEFAULT_PAGE_SIZE, searchToFilter, type LogsSearch } from './logs-search';

/**
 * The Audit Logs page's three requests, built the same way by the page's hooks and by the
 * route's loader (which starts them before the page renders): the same input is the same
 * cache entry, so each request goes out once.
 */

export function listInput(
  search: LogsSearch,
  filter: EventFilterInput,
): RouterInputs['auditLogs']['list'] {
  return {
    filter,
    ...(search.sort ? { sort: { field: search.sort, direction: search.dir ?? 'desc' } } : {}),
    limit: search.limit ?? DEFAULT_PAGE_SIZE,
    ...(search.cursor ? { cursor: search.cursor } : {}),
  };
}

export function histogramInput(
  filter: EventFilterInput,
  timeZone: string,
): RouterInputs['auditLogs']['histogram'] {
  return { filter, buckets: 60, timeZone };
}

export function facetsInput(filter: EventFilterInput): RouterInputs['auditLogs']['facets'] {
  return { filter, fields: FACETS.map((f) => f.field), limit: 5 };
}

/** Whether the view's query parses (the requests are not sent until it does). */
export function queryIsValid(search: LogsSearch): boolean {
  return !search.q || searchQueryError(search.q) === null;
}

/**
 * What a preset range is anchored on: the search without the fields that leave the matching
 * events as they are (the page, the open event). A new anchor (a new "now") comes with a new
 * filter, not with a page turn.
 */
export function anchorKey(search: LogsSearch): LogsSearch {
  const { cursor: _cursor, event: _event, at: _at, ...rest } = search;
  return rest;
}

/**
 * Starts the page's requests (their answers land in the cache the page's hooks read).
 * Resolves when the rows have arrived (or failed); never rejects.
 */
export function prefetchLogsPage(
  utils: TrpcUtils,
  search: LogsSearch,
  now: number,
  timeZone: string,
): Promise<void> {
  if (!queryIsValid(search)) return Promise.resolve();
  const filter = searchToFilter(search, now);
  const rows = utils.auditLogs.list.prefetch(listInput(search, filter));
  void utils.auditLogs.histogram.prefetch(histogramInput(filter, timeZone));
  void utils.auditLogs.facets.prefetch(facetsInput(filter));
  return rows;
}
