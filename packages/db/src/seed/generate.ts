/**
 * Deterministic demo audit data: events (and the jobs some of them schedule) in the
 * vocabulary of the reference pages. Pure: no I/O, no clock, no global randomness; the
 * same options give byte-identical output, whatever the chunk size.
 *
 * The modules live in ./generate/; this entry keeps the package's `@audit/db/seed` export
 * and the seed folder's `./generate` imports as they were.
 */
export { generateSeed } from './generate/generator';
export { createRng } from './generate/random';
export type { SeedChunk, SeedEvent, SeedJob, SeedOptions } from './generate/types';
