export * from './api-tokens';
export * from './archives';
export * from './events';
export * from './jobs';
export * from './login-throttle';
export * from './sessions';
export * from './settings';
export * from './users';
