export * from './canonical';
export * from './merkle';
export * from './statements';
