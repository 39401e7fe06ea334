/**
 * The filter schema and search-box parser, free of server code: the SPA imports them from
 * `@audit/api/filters` to keep filters in its URL and show query errors as the user types.
 */
export { eventFilterSchema, type EventFilter, type EventFilterInput } from './schema';
export { isTimeZone, timeZoneSchema } from '../schemas/time-zone';
export {
  parseSearchQuery,
  SearchQueryError,
  SEARCH_FIELDS,
  type SearchField,
} from './search-query';
