export { loadConfig, ConfigError, type Config } from './config';
export { buildServer, type ServerDeps } from './server';
