export { loadConfig, ConfigError, type Config } from './config';
export { buildServer, type ServerOptions } from './server';
export { appRouter, createCaller, type AppRouter } from './root';
export { eventFilterSchema, type EventFilter, type EventFilterInput } from './filters/schema';
export { parseSearchQuery, SearchQueryError, SEARCH_FIELDS } from './filters/search-query';
export { ensureFirstAdmin } from './bootstrap';
export { JobRunner, type JobRunnerOptions } from './jobs/runner';
export { jobHandlers } from './jobs/handlers';
export { SORT_FIELDS, type SortField } from './data/events';
